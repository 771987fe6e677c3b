//! Pure geometry for the cluster view: where servers sit on the ring and where
//! a message is along its way. No DOM here, so it is tested natively.

/// The SVG view box is `SIZE` × `SIZE`.
pub const SIZE: f64 = 400.0;
/// Radius of the ring the servers sit on.
pub const RING_RADIUS: f64 = 150.0;
/// Radius of a server's circle.
pub const NODE_RADIUS: f64 = 30.0;

/// A point in view-box coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Horizontal.
    pub x: f64,
    /// Vertical (down).
    pub y: f64,
}

/// The centre of the ring, where the client sits.
pub const CENTER: Point = Point {
    x: SIZE / 2.0,
    y: SIZE / 2.0,
};

/// Where server number `i` (0-based) of `n` sits: evenly spaced, the first at the top.
pub fn ring_position(i: usize, n: usize) -> Point {
    let angle = std::f64::consts::TAU * i as f64 / n.max(1) as f64 - std::f64::consts::FRAC_PI_2;
    Point {
        x: CENTER.x + RING_RADIUS * angle.cos(),
        y: CENTER.y + RING_RADIUS * angle.sin(),
    }
}

/// The point a fraction `t` (0..=1) of the way from `a` to `b`.
pub fn lerp(a: Point, b: Point, t: f64) -> Point {
    let t = t.clamp(0.0, 1.0);
    Point {
        x: a.x + (b.x - a.x) * t,
        y: a.y + (b.y - a.y) * t,
    }
}

/// The point `distance` from `a` along the way to `b` (`a` itself when the
/// two coincide): where a mark near one end of a link goes.
pub fn toward(a: Point, b: Point, distance: f64) -> Point {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length = (dx * dx + dy * dy).sqrt();
    if length == 0.0 {
        return a;
    }
    lerp(a, b, distance / length)
}

/// Where a message travels from `a` to `b`: it leaves the sender's edge
/// (`trim_from` from `a`'s centre) and reaches the receiver's edge (`trim_to`
/// before `b`), shifted `lane` to the right of its direction of travel so that a
/// request and its reply on the same link pass each other instead of overlapping.
pub fn message_track(
    a: Point,
    b: Point,
    trim_from: f64,
    trim_to: f64,
    lane: f64,
) -> (Point, Point) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length = (dx * dx + dy * dy).sqrt();
    if length <= trim_from + trim_to {
        // Too close to trim (or the same point): travel centre to centre.
        return (a, b);
    }
    let (ux, uy) = (dx / length, dy / length);
    // Right of travel in SVG coordinates (y grows downwards).
    let (nx, ny) = (-uy * lane, ux * lane);
    (
        Point {
            x: a.x + ux * trim_from + nx,
            y: a.y + uy * trim_from + ny,
        },
        Point {
            x: b.x - ux * trim_to + nx,
            y: b.y - uy * trim_to + ny,
        },
    )
}

/// The share of an election timeout still to run at `now`: 1 just after a
/// reset, 0 at the deadline.
pub fn timer_remaining(now: u64, deadline: u64, timeout: u64) -> f64 {
    if timeout == 0 {
        return 0.0;
    }
    (deadline.saturating_sub(now) as f64 / timeout as f64).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: Point) -> bool {
        (a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9
    }

    #[test]
    fn servers_are_evenly_spaced_on_the_ring_starting_at_the_top() {
        assert!(close(ring_position(0, 4), Point { x: 200.0, y: 50.0 }));
        assert!(close(ring_position(1, 4), Point { x: 350.0, y: 200.0 }));
        for n in 1..=9 {
            for i in 0..n {
                let p = ring_position(i, n);
                let r = ((p.x - CENTER.x).powi(2) + (p.y - CENTER.y).powi(2)).sqrt();
                assert!((r - RING_RADIUS).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn messages_move_linearly_and_stay_between_their_ends() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 10.0, y: 20.0 });
        assert!(close(lerp(a, b, 0.5), Point { x: 5.0, y: 10.0 }));
        assert!(close(lerp(a, b, 2.0), b));
        assert!(close(lerp(a, b, -1.0), a));
    }

    #[test]
    fn message_tracks_run_edge_to_edge_in_opposite_lanes() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 100.0, y: 0.0 });
        let (start, end) = message_track(a, b, 30.0, 20.0, 0.0);
        assert!(close(start, Point { x: 30.0, y: 0.0 }));
        assert!(close(end, Point { x: 80.0, y: 0.0 }));
        // Going right, the lane is below (y down); coming back, above.
        let (there, _) = message_track(a, b, 0.0, 0.0, 4.0);
        let (back, _) = message_track(b, a, 0.0, 0.0, 4.0);
        assert!(close(there, Point { x: 0.0, y: 4.0 }));
        assert!(close(back, Point { x: 100.0, y: -4.0 }));
        // Ends closer than the trims: no trimming, no NaN.
        assert_eq!(message_track(a, a, 30.0, 30.0, 4.0), (a, a));
    }

    #[test]
    fn a_point_toward_another_sits_at_that_distance_and_never_past_it() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 30.0, y: 40.0 });
        assert!(close(toward(a, b, 10.0), Point { x: 6.0, y: 8.0 }));
        assert!(close(toward(b, a, 10.0), Point { x: 24.0, y: 32.0 }));
        assert!(close(toward(a, b, 99.0), b));
        assert!(close(toward(a, a, 10.0), a));
    }

    #[test]
    fn the_timer_drains_from_full_to_empty() {
        assert_eq!(timer_remaining(100, 300, 200), 1.0);
        assert_eq!(timer_remaining(200, 300, 200), 0.5);
        assert_eq!(timer_remaining(400, 300, 200), 0.0);
        assert_eq!(timer_remaining(0, 0, 0), 0.0);
    }
}
