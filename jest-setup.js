// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
import { MessageChannel } from 'node:worker_threads';

// React 19's react-dom/server.browser (reached through @grafana/ui) needs MessageChannel, which
// jsdom lacks. Unreferenced ports keep a finished test run from hanging.
class UnrefMessageChannel extends MessageChannel {
  constructor() {
    super();
    this.port1.unref();
    this.port2.unref();
  }
}
global.MessageChannel = UnrefMessageChannel;
