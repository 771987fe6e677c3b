//! Bringing a narration step's highlights into view: once a step has been
//! drawn, the log table scrolls sideways to its ringed cells and the page
//! scrolls so that every ringed thing (log cells, messages on the ring, the
//! state diagram's arrow) lies below the sticky narration bar, which keeps
//! the step's text and Back / Next at the top. The arithmetic is pure
//! ([`Span`], [`scroll_delta`]) and tested natively; [`reveal_highlights`]
//! reads the layout and scrolls.

use wasm_bindgen::JsCast;
use web_sys::{Element, ScrollBehavior, ScrollToOptions};

/// What a narration step rings and the page scrolls to: log cells, messages
/// and the state diagram's arrow. Ringed servers are scrolled to only when
/// nothing else is ringed ([`SERVERS`]): the ring is at the top of the page,
/// and a step that rings servers and log cells would not fit one screen.
const HIGHLIGHTED: &str =
    ".cell.highlighted, svg.cluster .msg.highlighted, .diagram .edge.highlighted";
/// Ringed servers, scrolled to when a step rings nothing else.
const SERVERS: &str = "svg.cluster .node.highlighted";
/// Room left between a highlight and the edge it is scrolled to, in CSS pixels.
const MARGIN_PX: f64 = 8.0;

/// A stretch of one axis, in CSS pixels: `start <= end`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// The lower edge (top or left).
    pub start: f64,
    /// The upper edge (bottom or right).
    pub end: f64,
}

impl Span {
    /// The smallest span holding both.
    pub fn union(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// How far to scroll along one axis so that `target` lies inside `view`,
/// moving as little as possible (`block: "nearest"`): 0 when it already
/// does; when it is longer than the view, its start is shown.
pub fn scroll_delta(target: Span, view: Span) -> f64 {
    if target.start < view.start {
        target.start - view.start
    } else if target.end > view.end {
        (target.end - view.end).min(target.start - view.start)
    } else {
        0.0
    }
}

/// The vertical or horizontal extent of an element on the screen.
fn extent(element: &Element, vertical: bool) -> Span {
    let rect = element.get_bounding_client_rect();
    if vertical {
        Span {
            start: rect.top(),
            end: rect.bottom(),
        }
    } else {
        Span {
            start: rect.left(),
            end: rect.right(),
        }
    }
}

/// The union of the elements' extents; `None` for no elements.
fn union_of<'a>(elements: impl IntoIterator<Item = &'a Element>, vertical: bool) -> Option<Span> {
    elements
        .into_iter()
        .map(|e| extent(e, vertical))
        .reduce(Span::union)
}

/// Scrolling options: by `left` and `top`, smoothly unless the reader asked
/// for reduced motion.
fn options(left: f64, top: f64, smooth: bool) -> ScrollToOptions {
    let options = ScrollToOptions::new();
    options.set_left(left);
    options.set_top(top);
    options.set_behavior(if smooth {
        ScrollBehavior::Smooth
    } else {
        ScrollBehavior::Instant
    });
    options
}

/// All elements under `root` that match `selector`.
fn select_all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(found) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// Scrolls the log table sideways to its ringed cells, clear of the sticky
/// server column on its left.
fn reveal_cells(root: &Element, smooth: bool) {
    let Ok(Some(scroller)) = root.query_selector(".log-scroll") else {
        return;
    };
    let cells = select_all(&scroller, ".cell.highlighted");
    let Some(target) = union_of(&cells, false) else {
        return;
    };
    let frame = extent(&scroller, false);
    let column_end = scroller
        .query_selector("th.server")
        .ok()
        .flatten()
        .map_or(frame.start, |th| extent(&th, false).end);
    let view = Span {
        start: column_end + MARGIN_PX,
        end: frame.end - MARGIN_PX,
    };
    let delta = scroll_delta(target, view);
    if delta != 0.0 {
        scroller.scroll_by_with_scroll_to_options(&options(delta, 0.0, smooth));
    }
}

/// Brings every highlight under `root` into view, below `bar` (the sticky
/// narration bar, whose height stays covered at the top of the window),
/// smoothly unless `smooth` is false (reduced motion).
pub fn reveal_highlights(root: &Element, bar: Option<&Element>, smooth: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    reveal_cells(root, smooth);
    let mut highlighted = select_all(root, HIGHLIGHTED);
    if highlighted.is_empty() {
        highlighted = select_all(root, SERVERS);
    }
    // The cells' sideways scroll has not happened yet when it is smooth, but
    // the page's vertical scroll does not depend on it.
    let Some(target) = union_of(&highlighted, true) else {
        return;
    };
    let covered = bar.map_or(0.0, |b| extent(b, true).end - extent(b, true).start);
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let view = Span {
        start: covered + MARGIN_PX,
        end: height - MARGIN_PX,
    };
    let delta = scroll_delta(target, view);
    if delta != 0.0 {
        window.scroll_by_with_scroll_to_options(&options(0.0, delta, smooth));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: f64, end: f64) -> Span {
        Span { start, end }
    }

    #[test]
    fn a_target_inside_the_view_needs_no_scroll() {
        assert_eq!(scroll_delta(span(100.0, 200.0), span(80.0, 800.0)), 0.0);
        assert_eq!(scroll_delta(span(80.0, 800.0), span(80.0, 800.0)), 0.0);
    }

    #[test]
    fn a_target_below_scrolls_down_until_its_end_shows() {
        assert_eq!(
            scroll_delta(span(1700.0, 1900.0), span(80.0, 800.0)),
            1100.0
        );
    }

    #[test]
    fn a_target_above_scrolls_up_until_its_start_shows() {
        assert_eq!(
            scroll_delta(span(-300.0, -100.0), span(80.0, 800.0)),
            -380.0
        );
        assert_eq!(scroll_delta(span(50.0, 300.0), span(80.0, 800.0)), -30.0);
    }

    #[test]
    fn a_target_taller_than_the_view_shows_its_start() {
        assert_eq!(scroll_delta(span(900.0, 2000.0), span(80.0, 800.0)), 820.0);
        assert_eq!(scroll_delta(span(-50.0, 2000.0), span(80.0, 800.0)), -130.0);
    }

    #[test]
    fn the_union_holds_both_spans() {
        assert_eq!(span(5.0, 10.0).union(span(-2.0, 7.0)), span(-2.0, 10.0));
    }
}
