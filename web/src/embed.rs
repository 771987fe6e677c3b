//! Raftlab inside other pages. Two ways in, one compact page:
//!
//! - an iframe on `index.html?embed=1` (the full page's URL parameters plus
//!   `panels` and `autoplay`, read by [`crate::params::parse_embed`]);
//! - the JavaScript API ([`api::mount`]), which renders the same compact page
//!   into an element of the host page and returns a handle that plays,
//!   pauses, seeks, loads runs and destroys the instance.
//!
//! Either way the App draws [`crate::layout::CompactPage`]: a slim toolbar, the chosen panels, and
//! a link to the full page. A mounted App finds its [`host::Host`] in a Yew context:
//! what it shows, the run to start with, the channel the handle's commands
//! come through, and whether keyboard shortcuts are its to take. Nothing here
//! is global: every mount owns its host, its playback and its listeners.

pub mod api;
mod attention;
pub mod host;
pub mod options;

pub use attention::{Attention, AttentionTracker};
