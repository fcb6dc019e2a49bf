//! CPython's `random.Random`, as far as langdetect uses it: the Mersenne Twister seeded from an
//! int (`Modules/_randommodule.c`), `random()`, `getrandbits`/`_randbelow` (what `choice`
//! draws) and `gauss` with its cached second value (`Lib/random.py`).

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;
/// `random.TWOPI`.
const TWOPI: f64 = 2.0 * std::f64::consts::PI;

/// A `random.Random` state: the twister and `gauss_next`.
#[derive(Clone)]
pub struct Random {
    mt: [u32; N],
    index: usize,
    gauss_next: Option<f64>,
}

impl Random {
    /// `random.Random(seed)` for an int seed: `abs(seed)` as little-endian 32-bit words (zero
    /// gives `[0]`) fed to `init_by_array`; `gauss_next` cleared.
    #[must_use]
    pub fn new(seed: i128) -> Self {
        let mut magnitude = seed.unsigned_abs();
        let mut key = Vec::with_capacity(4);
        while magnitude != 0 {
            key.push((magnitude & 0xffff_ffff) as u32);
            magnitude >>= 32;
        }
        if key.is_empty() {
            key.push(0);
        }
        let mut random = Self {
            mt: [0; N],
            index: N,
            gauss_next: None,
        };
        random.init_by_array(&key);
        random
    }

    fn init_genrand(&mut self, s: u32) {
        self.mt[0] = s;
        for i in 1..N {
            let prev = self.mt[i - 1];
            self.mt[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        self.index = N;
    }

    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let prev = self.mt[i - 1];
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = self.mt[i - 1];
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                self.mt[0] = self.mt[N - 1];
                i = 1;
            }
        }
        self.mt[0] = 0x8000_0000;
    }

    fn twist(&mut self) {
        let mag01 = |y: u32| if y & 1 == 0 { 0 } else { MATRIX_A };
        for kk in 0..N - M {
            let y = (self.mt[kk] & UPPER_MASK) | (self.mt[kk + 1] & LOWER_MASK);
            self.mt[kk] = self.mt[kk + M] ^ (y >> 1) ^ mag01(y);
        }
        for kk in N - M..N - 1 {
            let y = (self.mt[kk] & UPPER_MASK) | (self.mt[kk + 1] & LOWER_MASK);
            self.mt[kk] = self.mt[kk + M - N] ^ (y >> 1) ^ mag01(y);
        }
        let y = (self.mt[N - 1] & UPPER_MASK) | (self.mt[0] & LOWER_MASK);
        self.mt[N - 1] = self.mt[M - 1] ^ (y >> 1) ^ mag01(y);
        self.index = 0;
    }

    /// `genrand_uint32`: the next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: a float in [0, 1) from 53 random bits.
    pub fn random(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for `1 <= k <= 32`.
    pub fn getrandbits(&mut self, k: u32) -> u32 {
        debug_assert!((1..=32).contains(&k));
        self.next_u32() >> (32 - k)
    }

    /// `_randbelow_with_getrandbits(n)` for `1 <= n < 2**32`: what `choice` draws.
    pub fn randbelow(&mut self, n: u32) -> u32 {
        let k = u32::BITS - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }

    /// `gauss(0.0, 1.0)`: two draws every other call, the second value cached.
    pub fn gauss(&mut self) -> f64 {
        let z = match self.gauss_next.take() {
            Some(z) => z,
            None => {
                let x2pi = self.random() * TWOPI;
                let g2rad = (-2.0 * (1.0 - self.random()).ln()).sqrt();
                self.gauss_next = Some(x2pi.sin() * g2rad);
                x2pi.cos() * g2rad
            }
        };
        0.0 + z * 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::Random;

    // Values printed by CPython: random.Random(0).getrandbits(32), .random(), .gauss(0.0, 1.0).
    #[test]
    fn seed_zero_matches_cpython() {
        let mut r = Random::new(0);
        assert_eq!(r.getrandbits(32), 3_626_764_237);
        let mut r = Random::new(0);
        assert_eq!(r.random().to_bits(), 0.844_421_851_525_048_1_f64.to_bits());
    }

    #[test]
    fn gauss_caches_its_second_value() {
        let mut a = Random::new(42);
        let first = a.gauss();
        let second = a.gauss();
        let mut b = Random::new(42);
        let x2pi = b.random() * super::TWOPI;
        let g2rad = (-2.0 * (1.0 - b.random()).ln()).sqrt();
        assert_eq!(first.to_bits(), (x2pi.cos() * g2rad).to_bits());
        assert_eq!(second.to_bits(), (x2pi.sin() * g2rad).to_bits());
    }

    #[test]
    fn randbelow_stays_below() {
        let mut r = Random::new(-7);
        for n in [1u32, 2, 3, 5, 1000, 65_537] {
            for _ in 0..100 {
                assert!(r.randbelow(n) < n);
            }
        }
    }
}
