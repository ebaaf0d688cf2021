//! Data parallelism for the batch functions: rayon's iterators with the
//! `parallel` feature, the same method names over plain iterators without
//! it. Each batch function is written once against these names; its results
//! do not depend on which one runs (they never depended on the thread count).

#[cfg(feature = "parallel")]
pub(crate) use rayon::prelude::*;

#[cfg(not(feature = "parallel"))]
pub(crate) use self::sequential::*;

/// The calling-thread stand-ins for the rayon methods the batch functions
/// use: `par_iter`, `into_par_iter` and `map_init`.
#[cfg(not(feature = "parallel"))]
// Which of the three a feature set calls depends on its families.
#[allow(dead_code)]
mod sequential {
    /// `into_par_iter()`: the value's own iterator.
    pub(crate) trait IntoParallelIterator: IntoIterator + Sized {
        fn into_par_iter(self) -> Self::IntoIter {
            self.into_iter()
        }
    }

    impl<I: IntoIterator> IntoParallelIterator for I {}

    /// `par_iter()` on a slice (and so on arrays and vectors): its iterator.
    pub(crate) trait IntoParallelRefIterator<T> {
        fn par_iter(&self) -> std::slice::Iter<'_, T>;
    }

    impl<T> IntoParallelRefIterator<T> for [T] {
        fn par_iter(&self) -> std::slice::Iter<'_, T> {
            self.iter()
        }
    }

    /// `map_init(init, f)`: one state from `init` for the whole run.
    pub(crate) trait ParallelIterator: Iterator + Sized {
        fn map_init<S, R>(
            self,
            init: impl FnOnce() -> S,
            mut f: impl FnMut(&mut S, Self::Item) -> R,
        ) -> impl Iterator<Item = R> {
            let mut state = init();
            self.map(move |x| f(&mut state, x))
        }
    }

    impl<I: Iterator> ParallelIterator for I {}
}
