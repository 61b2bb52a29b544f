// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
import { MessageChannel, MessagePort } from 'node:worker_threads';

// React 19's react-dom/server.browser (reached through @grafana/ui) needs MessageChannel, which
// jsdom lacks. Node's ports keep the process alive once a listener is set, so unref them after
// each `onmessage` assignment, or Jest never exits.
const onmessage = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');

class UnrefMessageChannel extends MessageChannel {
  constructor() {
    super();
    for (const port of [this.port1, this.port2]) {
      Object.defineProperty(port, 'onmessage', {
        get: () => onmessage.get.call(port),
        set: (listener) => {
          onmessage.set.call(port, listener);
          port.unref();
        },
      });
      port.unref();
    }
  }
}
global.MessageChannel = UnrefMessageChannel;

// jsdom's URL predates URL.canParse, which @grafana/data's sanitizeUrl (TextLink) calls.
if (!URL.canParse) {
  URL.canParse = (url, base) => {
    try {
      new URL(url, base);
      return true;
    } catch {
      return false;
    }
  };
}

// Comboboxes size their menus by measuring text on a canvas, which jsdom lacks (the scaffold's
// stub returns nothing). A fixed width per character is enough for layout-free tests.
HTMLCanvasElement.prototype.getContext = () => ({ font: '', measureText: (text) => ({ width: text.length * 7 }) });

// Combobox menus watch visibility with IntersectionObserver, which jsdom lacks.
global.IntersectionObserver = class {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
};
