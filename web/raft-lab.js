// <raft-lab>: Raftlab as a custom element; see docs/embed.md.
//
//   <script type="module" src="/raftlab/raft-lab.js"></script>
//   <raft-lab seed="4" panels="cluster,log" autoplay></raft-lab>
//
// The element draws into its own shadow root, so the host page's styles
// stay out and Raftlab's stay in. Nothing is fetched or compiled until the
// element comes near the viewport; the WebAssembly module compiles once
// for every element of the page. Out of view, a playing instance pauses,
// and plays on when it comes back. What the element holds in the page
// (a picture, a sentence) shows only where scripts are off.
import init, { mount, version } from "./raftlab.js";

/** The attributes the element reads, as `mount()` names its options. */
const OPTIONS = [
  "seed", "nodes", "speed", "panels", "autoplay", "run", "link", "experiment", "theme", "scenario", "step",
];

/** How far outside the viewport an element starts loading. */
const NEAR = "200px";

let module;
/** Fetches and compiles the module, once per page. */
const loaded = () => (module ??= init());

/** Does the reader ask for less motion? Then instances start paused. */
const reducedMotion = () => window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;

export class RaftLab extends HTMLElement {
  static observedAttributes = OPTIONS;
  /** The embed contract's version (raftlab.js's `version`). */
  static version = version;

  #handle = null;
  #frame;
  #started = false;
  #pausedOffScreen = false;
  #visibility;
  #changes;
  #leader = "";
  #violations = 0;
  #step = "";
  #pending = [];
  #reloading = false;
  #mountedOnce = false;
  #failure = null;
  #visible = false;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    // `all: initial` keeps the page's inherited font, colour and spacing
    // out too; the instance's own stylesheet sets its look.
    // Until the instance is drawn the element keeps a 8:5 box, so that the
    // page does not jump when it loads; then it takes its panels' height.
    style.textContent = ":host { all: initial; display: block; contain: content; aspect-ratio: 8 / 5; }"
      + " :host([data-ready]) { aspect-ratio: auto; }"
      + " :host([hidden]) { display: none; } .frame { display: block; }"
      + " .error { font: 14px system-ui, sans-serif; color: #a61b1b; margin: 8px 0; }";
    const sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = new URL("./raftlab.css", import.meta.url).href;
    this.#frame = document.createElement("div");
    this.#frame.className = "frame";
    shadow.append(style, sheet, this.#frame);
  }

  connectedCallback() {
    if (!this.hasAttribute("role")) this.setAttribute("role", "region");
    if (!this.hasAttribute("aria-label")) this.setAttribute("aria-label", "Raftlab: a simulated Raft cluster");
    this.#visibility = new IntersectionObserver((entries) => this.#seen(entries.at(-1).isIntersecting), {
      rootMargin: NEAR,
    });
    this.#visibility.observe(this);
  }

  disconnectedCallback() {
    this.#visibility?.disconnect();
    this.#unmount();
    this.#started = false;
    this.#mountedOnce = false;
  }

  // Several attributes set in one go reload the instance once.
  attributeChangedCallback(name, before, after) {
    if (before === after || !this.#started || this.#reloading) return;
    this.#reloading = true;
    queueMicrotask(() => {
      this.#reloading = false;
      // Before the module is ready, the first mount reads them anyway.
      if (this.#started && this.#mountedOnce) this.#remount();
    });
  }

  /** The instance's options, read from the attributes. */
  get options() {
    const options = {};
    for (const name of ["seed", "run", "link", "experiment", "panels", "theme", "scenario"]) {
      const value = this.getAttribute(name);
      if (value !== null) options[name] = value;
    }
    for (const name of ["nodes", "speed", "step"]) {
      const value = this.getAttribute(name);
      if (value !== null) options[name] = value.trim() === "" ? NaN : Number(value);
    }
    options.autoplay = this.hasAttribute("autoplay") && !reducedMotion();
    return options;
  }

  /** Starts playback. */
  play() { this.#call((h) => h.play()); }
  /** Stops playback. */
  pause() { this.#call((h) => h.pause()); }
  /** Pauses at virtual instant `ms` (milliseconds from the run's start). */
  seek(ms) { this.#call((h) => h.seek(ms)); }
  /** Replaces the run with a recorded one (JSON, link token or share link). */
  load(run) { this.#call((h) => h.load(run)); }

  /** Is the instance playing? (false before it starts) */
  get playing() { return this.#section()?.dataset.playing === "true"; }

  // A method called before the instance exists waits for it, in order; one
  // called on an instance that failed to mount throws that failure.
  #call(method) {
    if (this.#handle) return method(this.#handle);
    if (this.#failure) throw this.#failure;
    this.#pending.push(method);
    if (!this.#started) this.#start();
  }

  #seen(visible) {
    this.#visible = visible;
    if (visible && !this.#started) {
      this.#start();
    } else if (!visible && this.#handle && this.playing) {
      this.#handle.pause();
      this.#pausedOffScreen = true;
    } else if (visible && this.#handle && this.#pausedOffScreen) {
      this.#pausedOffScreen = false;
      this.#handle.play();
    }
  }

  async #start() {
    this.#started = true;
    await loaded();
    if (!this.#started || this.#handle) return;
    this.#remount();
  }

  #remount() {
    this.#mountedOnce = true;
    this.#unmount();
    this.#frame.replaceChildren();
    this.#failure = null;
    const options = this.options;
    try {
      this.#handle = mount(this.#frame, options);
    } catch (error) {
      this.#failure = error;
      const message = document.createElement("p");
      message.className = "error";
      message.setAttribute("role", "alert");
      message.textContent = error.message;
      this.#frame.append(message);
      this.dataset.ready = "";
      this.#pending = [];
      this.dispatchEvent(new CustomEvent("raftlab-error", { detail: { message: error.message } }));
      return;
    }
    // Started or reloaded out of view: it waits to be seen (unless a
    // method called before it existed says otherwise).
    if (!this.#visible && options.autoplay) {
      this.#handle.pause();
      this.#pausedOffScreen = true;
    }
    for (const method of this.#pending.splice(0)) method(this.#handle);
    this.dataset.ready = "";
    this.#watch();
    this.dispatchEvent(new CustomEvent("raftlab-ready"));
  }

  #unmount() {
    this.#changes?.disconnect();
    if (this.#handle && !this.#handle.destroyed) this.#handle.destroy();
    this.#handle?.free();
    this.#handle = null;
    this.#pausedOffScreen = false;
  }

  #section() {
    return this.#frame.querySelector(".raftlab-embed > section.embed");
  }

  // The instance writes its leader, its violations and its scenario step
  // on its section at every render; the element turns their changes into
  // events.
  #watch() {
    this.#leader = "";
    this.#violations = 0;
    this.#step = "";
    const changed = () => {
      const section = this.#section();
      if (!section) return;
      const { leader = "", term = "", violations = "0", scenario = "", step = "", steps = "" } = section.dataset;
      if (scenario !== "" && step !== this.#step) {
        this.#step = step;
        this.dispatchEvent(new CustomEvent("raftlab-step", {
          detail: { scenario, step: step === "" ? null : Number(step), steps: Number(steps) },
        }));
      }
      if (leader !== this.#leader) {
        this.#leader = leader;
        this.dispatchEvent(new CustomEvent("raftlab-leader", {
          detail: { leader: leader === "" ? null : Number(leader), term: Number(term) },
        }));
      }
      const count = Number(violations);
      if (count > this.#violations) {
        this.dispatchEvent(new CustomEvent("raftlab-violation", { detail: { violations: count } }));
      }
      this.#violations = count;
    };
    this.#changes = new MutationObserver(changed);
    this.#changes.observe(this.#frame, {
      subtree: true,
      attributes: true,
      attributeFilter: ["data-leader", "data-violations", "data-step"],
    });
    // The section's first render is an insertion into the container, which
    // a paused scenario follows with no attribute change: watch the
    // container's own children too (not the whole subtree's, which change
    // at every frame while it plays).
    const container = this.#frame.querySelector(".raftlab-embed");
    if (container) this.#changes.observe(container, { childList: true });
    changed();
  }
}

if (!customElements.get("raft-lab")) customElements.define("raft-lab", RaftLab);
