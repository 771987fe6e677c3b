//! Mutations of valid inputs, for fuzzing the decoders: a mutated link,
//! run file, scenario or configuration is what a damaged copy or a hostile
//! author hands the page. The fuzz tests of this crate and of the page draw
//! a list of [`Mutation`]s at random (proptest), apply it to a known-good
//! input with [`mutate`], and check that the decoder answers with a value
//! or an error, never a panic, and that what it accepts it can afford.
//!
//! Positions are taken modulo the input's length, so any drawn number is a
//! valid mutation of any input, and a failing case shrinks to small numbers.

/// Numbers at the edges of what the formats and the arithmetic hold: put in
/// place of a number of the input by [`Mutation::Number`].
pub const EDGE_NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "255",
    "65536",
    "4294967295",
    "4294967296",
    "9007199254740993",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "1000000000000",
    "3600000001",
    "0.5",
    "-0",
    "1e300",
    "-1e300",
];

/// Bits of text put into the input by [`Mutation::Insert`]: JSON's
/// punctuation, escapes that are not characters, characters of more than
/// one byte, and the separators of query strings.
pub const PIECES: &[&str] = &[
    "\"", "{", "}", "[", "]", ",", ":", "null", "true", "-", ".", "e9", "\\", "\\u0000", "\\ud800",
    "é", "💥", "\u{202e}", "=", "&", "%", "%ZZ", "%00", "+", "#", "\n", "\"x\":1,", "0",
];

/// One change to an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mutation {
    /// Flip one bit of the byte at `at`.
    FlipBit {
        /// Where.
        at: usize,
        /// Which bit, modulo 8.
        bit: u8,
    },
    /// Put [`PIECES`]`[piece]` (modulo its length) before the byte at `at`.
    Insert {
        /// Where.
        at: usize,
        /// Which piece.
        piece: usize,
    },
    /// Remove `len` bytes from `at`.
    Delete {
        /// Where.
        at: usize,
        /// How many.
        len: usize,
    },
    /// Repeat the `len` bytes from `at` so that they appear `times + 1` times.
    Repeat {
        /// Where.
        at: usize,
        /// How many bytes.
        len: usize,
        /// How many more copies.
        times: usize,
    },
    /// Replace the `nth` number of the text (modulo how many it has) with
    /// [`EDGE_NUMBERS`]`[edge]`.
    Number {
        /// Which number.
        nth: usize,
        /// Which edge.
        edge: usize,
    },
    /// Cut the input at `at`.
    Truncate {
        /// Where.
        at: usize,
    },
    /// Put `len` bytes of another input (`donor`, modulo how many there
    /// are), from `from`, before the byte at `at`.
    Splice {
        /// Where.
        at: usize,
        /// Which other input.
        donor: usize,
        /// Where in it.
        from: usize,
        /// How many bytes.
        len: usize,
    },
}

/// How far a drawn mutation reaches: the fuzz tests of the core decoders
/// and of the page's links differ only in these bounds.
#[derive(Clone, Copy, Debug)]
pub struct Reach {
    /// Positions are drawn below this.
    pub at: usize,
    /// The longest run [`Mutation::Delete`] removes.
    pub delete: usize,
    /// The most copies [`Mutation::Repeat`] adds.
    pub repeat: usize,
    /// The longest run [`Mutation::Splice`] takes.
    pub splice: usize,
}

/// How many kinds of [`Mutation`] there are, for [`Mutation::drawn`].
pub const MUTATION_KINDS: u8 = 7;

impl Mutation {
    /// The mutation of kind `kind` (modulo [`MUTATION_KINDS`]) whose fields
    /// are `draws` brought into `reach`: a fuzz test draws the kind and four
    /// numbers and gets any mutation, so one strategy serves every test.
    pub fn drawn(kind: u8, draws: [usize; 4], reach: Reach) -> Mutation {
        let [a, b, c, d] = draws;
        let at = a % reach.at.max(1);
        let up_to = |n: usize, max: usize| 1 + n % max.max(1);
        match kind % MUTATION_KINDS {
            0 => Mutation::FlipBit {
                at,
                bit: (b % 8) as u8,
            },
            1 => Mutation::Insert { at, piece: b },
            2 => Mutation::Delete {
                at,
                len: up_to(b, reach.delete),
            },
            3 => Mutation::Repeat {
                at,
                len: up_to(b, reach.delete),
                times: up_to(c, reach.repeat),
            },
            4 => Mutation::Number {
                nth: b % 256,
                edge: c,
            },
            5 => Mutation::Truncate { at },
            _ => Mutation::Splice {
                at,
                donor: b,
                from: c % reach.at.max(1),
                len: up_to(d, reach.splice),
            },
        }
    }
}

/// The longest a mutated input may grow to: [`Mutation::Repeat`] stops there.
const GROWN_MAX: usize = 1 << 20;

/// `input` with `mutations` applied in order; `donors` are the inputs a
/// [`Mutation::Splice`] takes from (none: splices do nothing).
pub fn mutate(input: &[u8], mutations: &[Mutation], donors: &[&[u8]]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for mutation in mutations {
        apply(&mut bytes, mutation, donors);
    }
    bytes
}

/// A place in `bytes` (up to its end, included) from any number.
fn place(bytes: &[u8], at: usize) -> usize {
    at % (bytes.len() + 1)
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation, donors: &[&[u8]]) {
    match *mutation {
        Mutation::FlipBit { at, bit } => {
            if !bytes.is_empty() {
                let at = at % bytes.len();
                bytes[at] ^= 1 << (bit % 8);
            }
        }
        Mutation::Insert { at, piece } => {
            let at = place(bytes, at);
            let piece = PIECES[piece % PIECES.len()].as_bytes();
            bytes.splice(at..at, piece.iter().copied());
        }
        Mutation::Delete { at, len } => {
            let at = place(bytes, at);
            let end = at.saturating_add(len).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::Repeat { at, len, times } => {
            let at = place(bytes, at);
            let end = at.saturating_add(len).min(bytes.len());
            let part = bytes[at..end].to_vec();
            for _ in 0..times {
                if bytes.len() + part.len() > GROWN_MAX {
                    break;
                }
                bytes.splice(end..end, part.iter().copied());
            }
        }
        Mutation::Number { nth, edge } => {
            let numbers = number_spans(bytes);
            if !numbers.is_empty() {
                let (start, end) = numbers[nth % numbers.len()];
                let edge = EDGE_NUMBERS[edge % EDGE_NUMBERS.len()].as_bytes();
                bytes.splice(start..end, edge.iter().copied());
            }
        }
        Mutation::Truncate { at } => {
            let at = place(bytes, at);
            bytes.truncate(at);
        }
        Mutation::Splice {
            at,
            donor,
            from,
            len,
        } => {
            if donors.is_empty() {
                return;
            }
            let donor = donors[donor % donors.len()];
            let from = place(donor, from);
            let end = from.saturating_add(len).min(donor.len());
            let at = place(bytes, at);
            bytes.splice(at..at, donor[from..end].iter().copied());
        }
    }
}

/// Where the runs of ASCII digits are (with a `-` just before, if any).
fn number_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = if i > 0 && bytes[i - 1] == b'-' {
                i - 1
            } else {
                i
            };
            let mut end = i;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            spans.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_mutations_cover_every_kind_within_reach() {
        let reach = Reach {
            at: 10,
            delete: 3,
            repeat: 5,
            splice: 7,
        };
        let drawn: Vec<Mutation> = (0..MUTATION_KINDS)
            .map(|kind| Mutation::drawn(kind, [usize::MAX; 4], reach))
            .collect();
        assert_eq!(
            drawn,
            vec![
                Mutation::FlipBit { at: 5, bit: 7 },
                Mutation::Insert {
                    at: 5,
                    piece: usize::MAX
                },
                Mutation::Delete { at: 5, len: 1 },
                Mutation::Repeat {
                    at: 5,
                    len: 1,
                    times: 1
                },
                Mutation::Number {
                    nth: 255,
                    edge: usize::MAX
                },
                Mutation::Truncate { at: 5 },
                Mutation::Splice {
                    at: 5,
                    donor: usize::MAX,
                    from: 5,
                    len: 2
                },
            ]
        );
    }

    #[test]
    fn numbers_are_replaced_by_edges() {
        let out = mutate(
            br#"{"a": 12, "b": -3}"#,
            &[Mutation::Number { nth: 1, edge: 6 }],
            &[],
        );
        assert_eq!(out, br#"{"a": 12, "b": 4294967295}"#.to_vec());
    }

    #[test]
    fn positions_wrap_and_repeats_are_bounded() {
        let out = mutate(
            b"abc",
            &[
                Mutation::Insert { at: 7, piece: 0 },
                Mutation::Delete { at: 0, len: 1 },
            ],
            &[],
        );
        assert_eq!(out, b"bc\"".to_vec());
        let grown = mutate(
            b"0123456789",
            &[Mutation::Repeat {
                at: 0,
                len: 10,
                times: usize::MAX,
            }],
            &[],
        );
        assert!(grown.len() <= GROWN_MAX);
    }

    #[test]
    fn splices_take_from_a_donor() {
        let out = mutate(
            b"ab",
            &[Mutation::Splice {
                at: 1,
                donor: 3,
                from: 1,
                len: 2,
            }],
            &[b"xyz"],
        );
        assert_eq!(out, b"ayzb".to_vec());
    }
}
