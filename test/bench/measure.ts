// Small measuring helpers: memory of this process, CPU of the whole machine, and the peak RSS
// and CPU time of another process (read from /proc; on other systems those figures are absent).
import { readFileSync } from 'node:fs';
import os from 'node:os';

const MB = 1024 * 1024;

export interface MemoryPeaks {
  peakRssMb: number;
  peakHeapMb: number;
  /** Buffers (message sources live there, outside the JS heap). */
  peakBuffersMb: number;
}

/** Samples this process's memory every `everyMs` (100 ms) until stop(); peaks in MiB (RSS: since the process started). */
export function sampleMemory(everyMs = 100): { stop(): MemoryPeaks } {
  let peakRss = 0;
  let peakHeap = 0;
  let peakBuffers = 0;
  const sample = () => {
    const m = process.memoryUsage();
    // The kernel's high-water mark: a peak between two samples counts too.
    peakRss = Math.max(peakRss, m.rss, highWaterMark());
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRssMb: peakRss / MB, peakHeapMb: peakHeap / MB, peakBuffersMb: peakBuffers / MB };
    },
  };
}

function cpuJiffies(): { busy: number; total: number } | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = fields.map(Number);
    const idle = n[3] + (n[4] ?? 0); // idle + iowait
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** How many cores the whole machine kept busy between start and stop() (undefined off Linux). */
export function machineCpu(): { stop(): number | undefined } {
  const start = cpuJiffies();
  return {
    stop() {
      const end = cpuJiffies();
      if (!start || !end || end.total === start.total) return undefined;
      return ((end.busy - start.busy) / (end.total - start.total)) * os.cpus().length;
    },
  };
}

/**
 * This process's peak RSS in bytes: VmHWM, the high-water mark of its own memory since it began.
 * Not getrusage's maxRSS: on Linux that also counts the parent's memory copied at fork, before
 * exec, so a forked run inherited the benchmark's own peak (seeding a 100 MB message raised
 * every measured run's "peak" to the benchmark's ~145 MiB). Elsewhere, maxRSS it is.
 */
function highWaterMark(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    /* no /proc */
  }
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Follows another process by pid from /proc: its peak RSS (VmHWM) and CPU seconds, as last seen
 * (polled every 100 ms, so the final < 100 ms of CPU time may be missed).
 */
export function watchProcess(pid: number): { stop(): { peakRssMb?: number; cpuSeconds?: number } } {
  let peakRssMb: number | undefined;
  let cpuSeconds: number | undefined;
  const ticks = 100; // USER_HZ on every Linux we know of
  const poll = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peakRssMb = Math.max(peakRssMb ?? 0, Number(hwm[1]) / 1024);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticks; // utime + stime
    } catch {
      /* gone, or no /proc */
    }
  };
  poll();
  const timer = setInterval(poll, 100);
  return {
    stop() {
      clearInterval(timer);
      return { peakRssMb, cpuSeconds };
    },
  };
}
