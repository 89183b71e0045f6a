// Loading scenes on demand. A GLB is fetched once, with progress, into
// memory; GLTFLoader parses it when the visitor goes there. Prefetching
// fetches the bytes of the scenes a visitor can jump to next, so that going
// there only costs the parse.

import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';

export class SceneLoader {
  /** `resolveUrl(path)` maps a bundle path to a URL (null when it leaves the bundle). */
  constructor(resolveUrl) {
    this.resolveUrl = resolveUrl;
    this.gltfLoader = new GLTFLoader();
    this.downloads = new Map(); // file -> {promise, loaded, total, listeners}
    this.parsed = new Map(); // file -> Promise<gltf>
  }

  /**
   * Fetch `file` into memory once; `onProgress(fraction)` is called as bytes
   * arrive (fraction is null when the size is unknown).
   */
  download(file, onProgress) {
    let entry = this.downloads.get(file);
    if (!entry) {
      entry = { loaded: 0, total: 0, listeners: new Set() };
      entry.promise = this.fetchBytes(file, entry);
      entry.promise.catch(() => this.downloads.delete(file));
      this.downloads.set(file, entry);
    }
    if (onProgress) {
      entry.listeners.add(onProgress);
      onProgress(entry.total ? entry.loaded / entry.total : null);
      entry.promise.finally(() => entry.listeners.delete(onProgress)).catch(() => {});
    }
    return entry.promise;
  }

  async fetchBytes(file, entry) {
    const url = this.resolveUrl(file);
    if (url === null) throw new Error(`scene path ${file} leaves the bundle`);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
    entry.total = Number(response.headers.get('Content-Length')) || 0;
    if (!response.body) return response.arrayBuffer();

    const reader = response.body.getReader();
    const chunks = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      entry.loaded += value.byteLength;
      // NOTE: with Content-Encoding the header counts compressed bytes, so
      // the fraction is capped below 1 until the download ends.
      const fraction = entry.total ? Math.min(entry.loaded / entry.total, 0.99) : null;
      for (const listener of entry.listeners) listener(fraction);
    }
    const bytes = new Uint8Array(entry.loaded);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    for (const listener of entry.listeners) listener(1);
    return bytes.buffer;
  }

  /** Start downloading `file` without parsing it; failures only log a warning. */
  prefetch(file) {
    if (this.downloads.has(file) || this.parsed.has(file)) return;
    this.download(file).catch((error) => {
      console.warn(`prefetch of ${file} failed: ${error.message}`);
    });
  }

  /** Return the parsed glTF of `file`, downloading it first if needed. */
  load(file, onProgress) {
    let parsed = this.parsed.get(file);
    if (!parsed) {
      parsed = this.download(file, onProgress).then((buffer) => {
        this.downloads.delete(file); // the parsed scene replaces the bytes
        const base = this.resolveUrl(file);
        return this.gltfLoader.parseAsync(buffer, new URL('./', base).href);
      });
      parsed.catch(() => this.parsed.delete(file));
      this.parsed.set(file, parsed);
    } else if (onProgress) {
      onProgress(1);
    }
    return parsed;
  }
}
