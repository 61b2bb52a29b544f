// The families of /metrics with a series per pod or per workload, kept as exposition text up to
// date as pods change (the store's `pod` events) and transitions happen. A scrape joins text that
// is already there: it neither walks every pod (most of a scrape at 50,000 pods) nor formats
// thousands of series again. A series' line is written when it changes; a family's text is joined
// again only after one did.
import type { PodRecord, PodStore } from '../store/store.ts';

type SeriesLabels = Record<string, string>;

/** Label values as the text exposition format escapes them. */
const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** A label set's key among its family's series. */
const keyOf = (labels: SeriesLabels) => Object.values(labels).join('\0');

function seriesLine(name: string, labels: SeriesLabels, value: number): string {
  let line = `${name}{`;
  let first = true;
  for (const key in labels) {
    line += `${first ? '' : ','}${key}="${escapeValue(labels[key])}"`;
    first = false;
  }
  return `${line}} ${value}`;
}

/** A family rendered from text kept up to date; `render()` gives HELP, TYPE and its lines. */
abstract class Family {
  private readonly header: string;
  private text: string | undefined;

  constructor(name: string, help: string, type: 'gauge' | 'counter' = 'gauge') {
    this.header = `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}`;
  }

  protected changed(): void {
    this.text = undefined;
  }

  protected abstract lines(): Iterable<string>;

  render(): string {
    if (this.text === undefined) {
      let text = this.header;
      for (const line of this.lines()) {
        text += `\n${line}`;
      }
      this.text = text;
    }
    return this.text;
  }
}

/** Series of the pods that have any (`seriesOf` gives their labels, value 1): abnormal pods, KSM reasons. */
export class PerPodFamily extends Family {
  private readonly byPod = new Map<string, string>();
  private readonly name: string;
  private readonly seriesOf: (pod: PodRecord) => readonly SeriesLabels[];

  constructor(store: PodStore, name: string, help: string, seriesOf: (pod: PodRecord) => readonly SeriesLabels[]) {
    super(name, help);
    this.name = name;
    this.seriesOf = seriesOf;
    for (const pod of store.currentPods()) {
      this.put(pod.input.uid, pod);
    }
    store.on('pod', (uid, _before, after) => this.put(uid, after));
  }

  private put(uid: string, pod: PodRecord | undefined): void {
    const series = pod ? this.seriesOf(pod) : [];
    const text = series.map((labels) => seriesLine(this.name, labels, 1)).join('\n');
    if (text !== (this.byPod.get(uid) ?? '')) {
      if (text) {
        this.byPod.set(uid, text);
      } else {
        this.byPod.delete(uid);
      }
      this.changed();
    }
  }

  protected lines(): Iterable<string> {
    return this.byPod.values();
  }
}

/** How many current pods share each label set (`labelsOf`); label sets no pod has are left out. */
export class CountFamily extends Family {
  private readonly counts = new Map<string, { labels: SeriesLabels; n: number }>();
  private readonly name: string;
  private readonly labelsOf: (pod: PodRecord) => SeriesLabels;

  constructor(store: PodStore, name: string, help: string, labelsOf: (pod: PodRecord) => SeriesLabels) {
    super(name, help);
    this.name = name;
    this.labelsOf = labelsOf;
    for (const pod of store.currentPods()) {
      this.add(this.labelsOf(pod), 1);
    }
    store.on('pod', (_uid, before, after) => {
      const was = before && this.labelsOf(before);
      const is = after && this.labelsOf(after);
      // Most pod events leave the pod's labels here as they were.
      if (was && is && keyOf(was) === keyOf(is)) {
        return;
      }
      if (was) {
        this.add(was, -1);
      }
      if (is) {
        this.add(is, 1);
      }
    });
  }

  private add(labels: SeriesLabels, n: number): void {
    const key = keyOf(labels);
    const count = this.counts.get(key);
    if (!count) {
      this.counts.set(key, { labels, n });
    } else if ((count.n += n) === 0) {
      this.counts.delete(key);
    }
    this.changed();
  }

  protected *lines(): Iterable<string> {
    for (const { labels, n } of this.counts.values()) {
      yield seriesLine(this.name, labels, n);
    }
  }
}

/** A counter with a series per label set seen (`inc`); the label names are the first set's, in its order. */
export class CounterFamily extends Family {
  private readonly series = new Map<string, { value: number; line: string }>();
  private readonly name: string;

  constructor(name: string, help: string) {
    super(name, help, 'counter');
    this.name = name;
  }

  inc(labels: SeriesLabels): void {
    const key = keyOf(labels);
    const series = this.series.get(key) ?? { value: 0, line: '' };
    series.value++;
    series.line = seriesLine(this.name, labels, series.value);
    this.series.set(key, series);
    this.changed();
  }

  protected *lines(): Iterable<string> {
    for (const { line } of this.series.values()) {
      yield line;
    }
  }
}
