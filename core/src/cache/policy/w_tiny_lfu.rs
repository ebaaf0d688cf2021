//! W-TinyLFU: an LRU window, a segmented LRU main space and a count-min
//! sketch admission filter.

use rustc_hash::FxHashMap;

use super::Cache;
use super::list::{Arena, List, NIL, fx_map, initial_slots};
use crate::cache::mix64;

/// Count-min sketch of 4-bit counters, 4 rows of `width` counters.
pub(super) struct Sketch {
    pub(super) table: Vec<u64>,
    pub(super) mask: u64,
    pub(super) words_per_row: usize,
    pub(super) additions: u64,
    pub(super) sample: u64,
}

/// Per-row seeds (odd 64-bit constants).
pub(super) const SEEDS: [u64; 4] = [
    0xc3a5_c85c_97cb_3127,
    0xb492_b66f_be98_f273,
    0x9ae1_6a3b_2f90_404f,
    0xcbf2_9ce4_8422_2325,
];

impl Sketch {
    pub(super) fn new(width: usize, sample: u64) -> Self {
        let width = width.next_power_of_two().max(16);
        let words_per_row = width / 16;
        Sketch {
            table: vec![0; 4 * words_per_row],
            mask: width as u64 - 1,
            words_per_row,
            additions: 0,
            sample,
        }
    }

    /// (word, bit shift) of `key`'s counter in `row`, from `h = mix64(key)`.
    #[inline]
    pub(super) fn slot(&self, h: u64, row: usize) -> (usize, u32) {
        let x = h.wrapping_add(SEEDS[row]).wrapping_mul(SEEDS[row]);
        let j = ((x ^ (x >> 32)) & self.mask) as usize;
        (row * self.words_per_row + j / 16, ((j % 16) * 4) as u32)
    }

    pub(super) fn increment(&mut self, key: u64) {
        let h = mix64(key);
        let mut added = false;
        for row in 0..4 {
            let (w, s) = self.slot(h, row);
            if (self.table[w] >> s) & 15 < 15 {
                self.table[w] += 1 << s;
                added = true;
            }
        }
        if added {
            self.additions += 1;
            if self.additions >= self.sample {
                for w in &mut self.table {
                    *w = (*w >> 1) & 0x7777_7777_7777_7777;
                }
                self.additions /= 2;
            }
        }
    }

    pub(super) fn estimate(&self, key: u64) -> u64 {
        let h = mix64(key);
        (0..4)
            .map(|row| self.slot(h, row))
            .map(|(w, s)| (self.table[w] >> s) & 15)
            .min()
            .unwrap_or(0)
    }
}

pub(super) const WINDOW: u8 = 0;
pub(super) const PROBATION: u8 = 1;
pub(super) const PROTECTED: u8 = 2;

pub(super) struct WTinyLfu {
    pub(super) arena: Arena,
    pub(super) region: Vec<u8>,
    pub(super) map: FxHashMap<u64, u32>,
    pub(super) window: List,
    pub(super) probation: List,
    pub(super) protected: List,
    pub(super) window_cap: usize,
    pub(super) main_cap: usize,
    pub(super) protected_cap: usize,
    pub(super) sketch: Sketch,
    /// The adaptive window's hill climber (`None`: the window stays at 1%).
    pub(super) climber: Option<Climber>,
}

/// Caffeine's "simple" hill climber over the window size (see
/// [`Policy::WTinyLfuAdaptive`](super::Policy::WTinyLfuAdaptive)).
pub(super) struct Climber {
    /// Accesses per sample: 10 x capacity, at least [`MIN_PERIOD`].
    pub(super) period: u64,
    pub(super) hits: u64,
    pub(super) accesses: u64,
    /// The previous sample's hit rate (0 before the first).
    pub(super) previous: f64,
    /// Signed step in entries: the next move if the hit rate does not fall.
    pub(super) step: f64,
    /// The window size the climber aims at, in entries (fractional steps
    /// accumulate here; the window is this rounded).
    pub(super) target: f64,
}

/// First step and restart step: 6.25% of the capacity.
pub(super) const STEP_PERCENT: f64 = 0.0625;
/// The step shrinks by this factor each sample while the rate moves little.
pub(super) const STEP_DECAY: f64 = 0.9;
/// The shortest sample, in accesses: small caches' samples are not left to
/// noise.
pub(super) const MIN_PERIOD: u64 = 10_000;
/// A hit-rate change of at least 5 points restarts the step.
pub(super) const RESTART_THRESHOLD: f64 = 0.05;

impl Climber {
    pub(super) fn new(cap: usize, window: usize) -> Self {
        Climber {
            period: (10 * cap as u64).max(MIN_PERIOD),
            hits: 0,
            accesses: 0,
            previous: 0.0,
            step: STEP_PERCENT * cap as f64,
            target: window as f64,
        }
    }

    /// Records one access; at the end of a sample, returns the new window
    /// size (in `[ceil(1%), max(1, cap - 1)]`).
    pub(super) fn record(&mut self, hit: bool, cap: usize) -> Option<usize> {
        self.hits += u64::from(hit);
        self.accesses += 1;
        if self.accesses < self.period {
            return None;
        }
        let rate = self.hits as f64 / self.accesses as f64;
        let change = rate - self.previous;
        let amount = if change >= 0.0 { self.step } else { -self.step };
        self.step = if change.abs() >= RESTART_THRESHOLD {
            STEP_PERCENT * cap as f64 * amount.signum()
        } else {
            STEP_DECAY * amount
        };
        self.previous = rate;
        (self.hits, self.accesses) = (0, 0);
        let hi = cap.saturating_sub(1).max(1) as f64;
        let lo = cap.div_ceil(100) as f64;
        self.target = (self.target + amount).clamp(lo, hi);
        Some(self.target.round() as usize)
    }
}

impl WTinyLfu {
    pub(super) fn new(cap: usize, trace_len: usize, adaptive: bool) -> Self {
        let n = initial_slots(cap, trace_len);
        let window_cap = cap.div_ceil(100);
        let main_cap = cap - window_cap;
        WTinyLfu {
            arena: Arena::with_capacity(n),
            region: Vec::with_capacity(n),
            map: fx_map(n),
            window: List::EMPTY,
            probation: List::EMPTY,
            protected: List::EMPTY,
            window_cap,
            main_cap,
            protected_cap: main_cap * 4 / 5,
            sketch: Sketch::new(cap.min(trace_len), 10 * cap as u64),
            climber: (adaptive && cap >= 2).then(|| Climber::new(cap, window_cap)),
        }
    }

    /// Moves the window/main boundary so the window holds at most `window`
    /// entries, without evicting: a smaller window hands its LRU keys to the
    /// front of probation; a larger one takes main's LRU keys (probation's,
    /// then protected's) at its front. Protected stays at most 80% of main.
    pub(super) fn resize(&mut self, window: usize) {
        let cap = self.window_cap + self.main_cap;
        self.window_cap = window;
        self.main_cap = cap - window;
        self.protected_cap = self.main_cap * 4 / 5;
        while self.window.len > self.window_cap {
            let c = self.window.tail;
            self.arena.unlink(&mut self.window, c);
            self.arena.push_front(&mut self.probation, c);
            self.region[c as usize] = PROBATION;
        }
        while self.protected.len > self.protected_cap {
            let d = self.protected.tail;
            self.arena.unlink(&mut self.protected, d);
            self.arena.push_front(&mut self.probation, d);
            self.region[d as usize] = PROBATION;
        }
        while self.probation.len + self.protected.len > self.main_cap {
            let list = if self.probation.len > 0 {
                &mut self.probation
            } else {
                &mut self.protected
            };
            let v = list.tail;
            self.arena.unlink(list, v);
            self.arena.push_back(&mut self.window, v);
            self.region[v as usize] = WINDOW;
        }
    }

    pub(super) fn on_hit(&mut self, i: u32) {
        match self.region[i as usize] {
            WINDOW => self.arena.move_to_front(&mut self.window, i),
            PROTECTED => self.arena.move_to_front(&mut self.protected, i),
            _ => {
                self.arena.unlink(&mut self.probation, i);
                self.arena.push_front(&mut self.protected, i);
                self.region[i as usize] = PROTECTED;
                if self.protected.len > self.protected_cap {
                    let d = self.protected.tail;
                    self.arena.unlink(&mut self.protected, d);
                    self.arena.push_front(&mut self.probation, d);
                    self.region[d as usize] = PROBATION;
                }
            }
        }
    }

    /// Moves the window's LRU key (the candidate) into probation, evicting
    /// probation's LRU key if the main region is full and the candidate is
    /// more frequent, or drops the candidate. Returns the freed slot, if any.
    pub(super) fn evict_window(&mut self) -> Option<u32> {
        let c = self.window.tail;
        self.arena.unlink(&mut self.window, c);
        let mut freed = None;
        if self.probation.len + self.protected.len >= self.main_cap {
            let v = self.probation.tail;
            // `v` is NIL only when the main region has no room at all.
            let drop = if v == NIL { c } else { self.duel(c, v) };
            self.map.remove(&self.arena.key(drop));
            if drop == c {
                return Some(c);
            }
            self.arena.unlink(&mut self.probation, v);
            freed = Some(v);
        }
        self.arena.push_front(&mut self.probation, c);
        self.region[c as usize] = PROBATION;
        freed
    }

    /// TinyLFU admission: the loser of candidate `c` against victim `v`.
    pub(super) fn duel(&self, c: u32, v: u32) -> u32 {
        let fc = self.sketch.estimate(self.arena.key(c));
        if fc > self.sketch.estimate(self.arena.key(v)) {
            v
        } else {
            c
        }
    }
}

impl Cache for WTinyLfu {
    fn access(&mut self, key: u64) -> bool {
        let hit = self.lookup(key);
        let cap = self.window_cap + self.main_cap;
        if let Some(window) = self.climber.as_mut().and_then(|c| c.record(hit, cap))
            && window != self.window_cap
        {
            self.resize(window);
        }
        hit
    }
}

impl WTinyLfu {
    fn lookup(&mut self, key: u64) -> bool {
        self.sketch.increment(key);
        if let Some(&i) = self.map.get(&key) {
            self.on_hit(i);
            return true;
        }
        // Evicting before inserting is equivalent to Caffeine's insert-then-
        // evict (the newcomer is never the window's LRU) and reuses the slot.
        let freed = if self.window.len >= self.window_cap {
            self.evict_window()
        } else {
            None
        };
        let i = match freed {
            Some(i) => {
                self.arena.nodes[i as usize].key = key;
                i
            }
            None => {
                self.region.push(WINDOW);
                self.arena.alloc(key)
            }
        };
        self.region[i as usize] = WINDOW;
        self.arena.push_front(&mut self.window, i);
        self.map.insert(key, i);
        false
    }
}
