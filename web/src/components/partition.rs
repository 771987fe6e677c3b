//! A partition drawn as its sides: when the cut links split the servers
//! into groups that hear each other and nothing of the other groups, each
//! group gets a shaded region behind it on the ring, instead of a dashed line
//! for every one of the links that cross (six for 2 | 3, all crossing).

use crate::geometry::{ring_position, Point, NODE_RADIUS};
use raftlab_core::view::NodeId;
use yew::prelude::*;

/// How far a side's shading reaches past the centres of its servers.
const SIDE_PADDING: f64 = NODE_RADIUS + 16.0;

/// The sides of a clean partition, in order of their lowest server: every
/// link between two sides cut both ways and none inside a side. `None` for
/// no cut at all, or for cuts that are not a clean partition (one-way
/// cuts, partial connectivity), which are drawn link by link.
pub fn partition_sides(n: usize, cut_links: &[(NodeId, NodeId)]) -> Option<Vec<Vec<NodeId>>> {
    let servers: Vec<NodeId> = (1..=n).map(|i| NodeId(i as u32)).collect();
    let is_cut = |from: NodeId, to: NodeId| cut_links.contains(&(from, to));
    let hear_each_other = |a: NodeId, b: NodeId| !is_cut(a, b) && !is_cut(b, a);
    let mut sides: Vec<Vec<NodeId>> = Vec::new();
    for &server in &servers {
        match sides
            .iter_mut()
            .find(|side| side.iter().all(|&member| hear_each_other(member, server)))
        {
            Some(side) => side.push(server),
            None => sides.push(vec![server]),
        }
    }
    if sides.len() < 2 {
        return None;
    }
    let side_of = |server: NodeId| sides.iter().position(|side| side.contains(&server));
    let every_crossing_cut = servers.iter().all(|&a| {
        servers
            .iter()
            .all(|&b| a == b || (side_of(a) == side_of(b)) != (is_cut(a, b) && is_cut(b, a)))
    });
    every_crossing_cut.then_some(sides)
}

/// The words for a partition: "S1 S2 | S3 S4 S5".
pub fn describe_sides(sides: &[Vec<NodeId>]) -> String {
    sides
        .iter()
        .map(|side| {
            side.iter()
                .map(NodeId::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The shaded sides, drawn behind the client, servers and messages.
pub fn render_sides(sides: &[Vec<NodeId>], n: usize) -> Html {
    let label = format!(
        "partitioned: {}; no message crosses between the sides",
        describe_sides(sides)
    );
    html! {
        <g class="partition-sides" role="img" aria-label={label.clone()}>
            <title>{ label }</title>
            { for sides.iter().enumerate().map(|(i, side)| render_side(i, side, n)) }
        </g>
    }
}

/// One side: a rounded hull around its servers' centres (a disc for one).
fn render_side(index: usize, side: &[NodeId], n: usize) -> Html {
    let points: Vec<Point> = side
        .iter()
        .map(|id| ring_position(id.0 as usize - 1, n))
        .collect();
    let members = side
        .iter()
        .map(|id| id.0.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let class = classes!("partition-side", format!("side-{}", index % 3));
    if let [only] = points.as_slice() {
        return html! {
            <circle {class} data-side={members} cx={format!("{:.2}", only.x)} cy={format!("{:.2}", only.y)}
                r={format!("{SIDE_PADDING:.2}")} />
        };
    }
    html! {
        <path {class} data-side={members} d={hull_path(&points)}
            stroke-width={format!("{:.2}", 2.0 * SIDE_PADDING)} />
    }
}

/// A closed path through `points` in order of their angle around their
/// centroid: the convex hull, since they all sit on one circle.
fn hull_path(points: &[Point]) -> String {
    let count = points.len().max(1) as f64;
    let centroid = Point {
        x: points.iter().map(|p| p.x).sum::<f64>() / count,
        y: points.iter().map(|p| p.y).sum::<f64>() / count,
    };
    let mut around = points.to_vec();
    around.sort_by(|a, b| {
        let angle = |p: &Point| (p.y - centroid.y).atan2(p.x - centroid.x);
        angle(a).total_cmp(&angle(b))
    });
    let mut d = String::new();
    for (i, p) in around.iter().enumerate() {
        let command = if i == 0 { 'M' } else { 'L' };
        d.push_str(&format!("{command}{:.2} {:.2} ", p.x, p.y));
    }
    d.push('Z');
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(ns: &[u32]) -> Vec<NodeId> {
        ns.iter().map(|&n| NodeId(n)).collect()
    }

    /// Every link between `a` and `b`, both ways.
    fn split(a: &[u32], b: &[u32]) -> Vec<(NodeId, NodeId)> {
        let mut cuts = Vec::new();
        for &x in a {
            for &y in b {
                cuts.push((NodeId(x), NodeId(y)));
                cuts.push((NodeId(y), NodeId(x)));
            }
        }
        cuts
    }

    #[test]
    fn a_clean_split_is_its_sides_in_order_of_their_lowest_server() {
        assert_eq!(
            partition_sides(5, &split(&[2, 4], &[1, 3, 5])),
            Some(vec![ids(&[1, 3, 5]), ids(&[2, 4])])
        );
        let sides = partition_sides(5, &split(&[3], &[1, 2, 4, 5])).unwrap();
        assert_eq!(describe_sides(&sides), "S1 S2 S4 S5 | S3");
    }

    #[test]
    fn three_sides_are_found_when_every_crossing_link_is_cut() {
        let mut cuts = split(&[1, 2], &[3, 4, 5]);
        cuts.extend(split(&[3], &[4, 5]));
        assert_eq!(
            partition_sides(5, &cuts),
            Some(vec![ids(&[1, 2]), ids(&[3]), ids(&[4, 5])])
        );
    }

    #[test]
    fn no_cut_one_way_cuts_and_partial_connectivity_are_not_sides() {
        assert_eq!(partition_sides(5, &[]), None);
        assert_eq!(partition_sides(3, &[(NodeId(1), NodeId(2))]), None);
        // S1 hears neither S2 nor S3, but S2 and S3 are cut from each other
        // only one way: not sides.
        let mut cuts = split(&[1], &[2, 3]);
        cuts.push((NodeId(2), NodeId(3)));
        assert_eq!(partition_sides(3, &cuts), None);
        // S1 cut from S2 only; S3 hears both: partial connectivity.
        assert_eq!(partition_sides(3, &split(&[1], &[2])), None);
    }

    #[test]
    fn the_hull_goes_round_its_points_once() {
        let points: Vec<Point> = [0, 2, 1].iter().map(|&i| ring_position(i, 5)).collect();
        let d = hull_path(&points);
        assert_eq!(d.matches('L').count(), 2);
        assert!(d.starts_with('M') && d.ends_with('Z'));
    }
}
