// The iframe page's height for the page around it (docs/embed.md,
// "Sizing the iframe"). In an iframe on `index.html?embed=1&autosize=1` the
// compact page takes the height its panels need instead of filling the
// frame, and posts that height to the parent whenever it changes:
//
//   { type: "raftlab-size", version: 1, height }   (CSS pixels, whole)
//
// The parent's few lines of script set the iframe's height from it.
const query = new URLSearchParams(location.search);
const on = (name) => ["1", "true"].includes(query.get(name) ?? "");

if (window.parent !== window && on("embed") && on("autosize")) {
  document.documentElement.dataset.autosize = "";
  let posted = 0;
  const post = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === posted) return;
    posted = height;
    window.parent.postMessage({ type: "raftlab-size", version: 1, height }, "*");
  };
  new ResizeObserver(post).observe(document.documentElement);
  addEventListener("load", post);
}
