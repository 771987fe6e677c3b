//! FNV-1a, a hasher whose output never depends on the Rust version, the
//! platform or the process: for trace hashes and log fingerprints.

use std::hash::Hasher;

/// The FNV-1a starting state.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The hasher; start it at [`FNV_OFFSET`].
pub(crate) struct Fnv64(pub(crate) u64);

impl Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
