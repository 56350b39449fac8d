//! The wasm global allocator: size classes for small blocks, whole 64 KiB pages for big ones.
//!
//! Why not the standard one: Rust's default wasm allocator (dlmalloc) is about 7 KB of code,
//! a fifth of the token core. This module's allocation pattern is simple (single calls make a
//! few short strings; a batch makes a handful of large buffers that live for the call), and a
//! much smaller allocator serves it as well:
//!
//! - Requests up to 32 KiB are rounded up to a power of two (at least 16 bytes) and come from
//!   that size's free list. An empty list is refilled with a whole page cut into blocks; a
//!   block is aligned to its own size, so every alignment up to its size holds. Small blocks
//!   are reused for the same size only and never go back to the pages.
//! - Bigger requests take whole pages from a list of free page runs kept in address order
//!   (first fit, taken from the end of a run; a freed run is merged with free neighbours), or
//!   grow the memory. A run at the top of memory is grown rather than left behind, so a batch
//!   that needs a bigger buffer than the last one costs only the difference.
//!
//! Fresh pages from `memory.grow` are zero, so a zeroed allocation from them skips the clear.
//! Requests aligned to more than a page get null (an allocation error), which nothing here asks
//! for. Single-threaded: wasm32 without the atomics feature has no threads.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::null_mut;

/// The wasm page size, the unit of `memory.grow`.
pub const PAGE: usize = 65536;
/// log2 of the smallest block (room for the free-list link, and 16-byte alignment).
const MIN_CLASS: u32 = 4;
/// log2 of the biggest small block.
const MAX_CLASS: u32 = 15;
const CLASSES: usize = (MAX_CLASS - MIN_CLASS + 1) as usize;

/// Where fresh pages come from.
pub trait Pages {
    /// Adds `n` pages after the current end of memory and returns the address of the first.
    fn grow(&mut self, n: usize) -> Option<usize>;
    /// The address just past the last page.
    fn end(&self) -> usize;
}

/// A run of free pages; the header lives in the run's first bytes.
struct Run {
    pages: usize,
    next: *mut Run,
}

/// The allocator's state over some [`Pages`].
pub struct Heap<P> {
    pages: P,
    /// Free small blocks by class; each holds the address of the next one.
    free: [*mut u8; CLASSES],
    /// Free page runs in address order.
    runs: *mut Run,
}

impl<P: Pages> Heap<P> {
    pub const fn new(pages: P) -> Self {
        Heap {
            pages,
            free: [null_mut(); CLASSES],
            runs: null_mut(),
        }
    }

    /// The size class of a small request, or `None` for a page request.
    fn class(layout: Layout) -> Option<usize> {
        let size = layout.size().max(layout.align());
        if size > 1 << MAX_CLASS {
            return None;
        }
        let log = usize::BITS - (size.max(1) - 1).leading_zeros();
        Some(log.max(MIN_CLASS).saturating_sub(MIN_CLASS) as usize)
    }

    fn pages_for(layout: Layout) -> usize {
        layout.size().div_ceil(PAGE).max(1)
    }

    /// # Safety
    /// As [`GlobalAlloc::alloc`]; the heap must own the memory its `Pages` hand out.
    pub unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        match Self::class(layout) {
            Some(c) => self.alloc_small(c),
            None if layout.align() <= PAGE => self.alloc_pages(Self::pages_for(layout)).0,
            None => null_mut(),
        }
    }

    /// # Safety
    /// As [`GlobalAlloc::alloc_zeroed`].
    pub unsafe fn alloc_zeroed(&mut self, layout: Layout) -> *mut u8 {
        let (ptr, fresh) = match Self::class(layout) {
            Some(c) => (self.alloc_small(c), false),
            None if layout.align() <= PAGE => self.alloc_pages(Self::pages_for(layout)),
            None => (null_mut(), true),
        };
        if !fresh && !ptr.is_null() {
            ptr.write_bytes(0, layout.size());
        }
        ptr
    }

    /// # Safety
    /// As [`GlobalAlloc::dealloc`].
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        match Self::class(layout) {
            Some(c) => self.free_small(ptr, c),
            None => self.free_pages(ptr as usize, Self::pages_for(layout)),
        }
    }

    /// # Safety
    /// As [`GlobalAlloc::realloc`].
    pub unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new) = Layout::from_size_align(new_size, layout.align()) else {
            return null_mut();
        };
        match (Self::class(layout), Self::class(new)) {
            (Some(a), Some(b)) if a == b => return ptr,
            (None, None) => {
                let (have, want) = (Self::pages_for(layout), Self::pages_for(new));
                if want <= have {
                    // Shrinking (or the same pages): the tail goes back to the free runs.
                    self.free_pages(ptr as usize + want * PAGE, have - want);
                    return ptr;
                }
                if ptr as usize + have * PAGE == self.pages.end()
                    && self.pages.grow(want - have).is_some()
                {
                    return ptr;
                }
            }
            _ => {}
        }
        let out = self.alloc(new);
        if !out.is_null() {
            core::ptr::copy_nonoverlapping(ptr, out, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        out
    }

    unsafe fn alloc_small(&mut self, c: usize) -> *mut u8 {
        if self.free.get(c).is_some_and(|head| head.is_null()) {
            // Refill with a page cut into blocks, linked in address order.
            let (page, _) = self.alloc_pages(1);
            if page.is_null() {
                return null_mut();
            }
            let size = 1usize << (c as u32 + MIN_CLASS);
            let mut next = null_mut::<u8>();
            let mut offset = PAGE;
            while offset >= size {
                offset -= size;
                let block = page.add(offset);
                (block as *mut *mut u8).write(next);
                next = block;
            }
            self.free[c] = next;
        }
        let Some(head) = self.free.get_mut(c) else {
            return null_mut();
        };
        let block = *head;
        *head = (block as *mut *mut u8).read();
        block
    }

    unsafe fn free_small(&mut self, ptr: *mut u8, c: usize) {
        if let Some(head) = self.free.get_mut(c) {
            (ptr as *mut *mut u8).write(*head);
            *head = ptr;
        }
    }

    /// `n` pages and whether they are fresh from `memory.grow` (so still zero).
    unsafe fn alloc_pages(&mut self, n: usize) -> (*mut u8, bool) {
        let mut prev: *mut *mut Run = &mut self.runs;
        let mut last: *mut Run = null_mut();
        while !(*prev).is_null() {
            let run = *prev;
            if (*run).pages > n {
                (*run).pages -= n;
                return ((run as *mut u8).add((*run).pages * PAGE), false);
            }
            if (*run).pages == n {
                *prev = (*run).next;
                return (run as *mut u8, false);
            }
            last = run;
            prev = &mut (*run).next;
        }
        // Nothing fits: a free run at the top of memory is grown to the size needed.
        if !last.is_null() && last as usize + (*last).pages * PAGE == self.pages.end() {
            let have = (*last).pages;
            if self.pages.grow(n - have).is_none() {
                return (null_mut(), true);
            }
            self.unlink(last);
            return (last as *mut u8, false);
        }
        match self.pages.grow(n) {
            Some(at) => (at as *mut u8, true),
            None => (null_mut(), true),
        }
    }

    unsafe fn unlink(&mut self, target: *mut Run) {
        let mut prev: *mut *mut Run = &mut self.runs;
        while !(*prev).is_null() {
            if *prev == target {
                *prev = (*target).next;
                return;
            }
            prev = &mut (**prev).next;
        }
    }

    /// Returns `n` pages at `at` to the free runs, merged with free neighbours.
    unsafe fn free_pages(&mut self, at: usize, n: usize) {
        if n == 0 {
            return;
        }
        let mut before: *mut Run = null_mut();
        let mut after = self.runs;
        while !after.is_null() && (after as usize) < at {
            before = after;
            after = (*after).next;
        }
        let end = at + n * PAGE;
        let run = if !before.is_null() && before as usize + (*before).pages * PAGE == at {
            (*before).pages += n;
            before
        } else {
            let run = at as *mut Run;
            run.write(Run {
                pages: n,
                next: after,
            });
            if before.is_null() {
                self.runs = run;
            } else {
                (*before).next = run;
            }
            run
        };
        if !after.is_null() && after as usize == end {
            (*run).pages += (*after).pages;
            (*run).next = (*after).next;
        }
    }
}

/// A [`Heap`] shared as the global allocator.
pub struct Global<P>(pub core::cell::UnsafeCell<Heap<P>>);

// SAFETY: wasm32 without the atomics feature runs one thread, so the heap is never shared
// between threads; this type is only installed as the global allocator there.
unsafe impl<P> Sync for Global<P> {}

unsafe impl<P: Pages> GlobalAlloc for Global<P> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        (*self.0.get()).dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        (*self.0.get()).realloc(ptr, layout, new_size)
    }
}

/// The wasm linear memory.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Pages for WasmMemory {
    fn grow(&mut self, n: usize) -> Option<usize> {
        match core::arch::wasm32::memory_grow::<0>(n) {
            usize::MAX => None,
            old => Some(old * PAGE),
        }
    }
    fn end(&self) -> usize {
        core::arch::wasm32::memory_size::<0>() * PAGE
    }
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: Global<WasmMemory> = Global(core::cell::UnsafeCell::new(Heap::new(WasmMemory)));

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Pages carved from one big zeroed buffer, page-aligned, grown on demand.
    struct TestPages {
        base: usize,
        end: usize,
        limit: usize,
        _buffer: Vec<u8>,
    }

    impl TestPages {
        fn new(max_pages: usize) -> Self {
            let buffer = vec![0u8; (max_pages + 1) * PAGE];
            let base = (buffer.as_ptr() as usize).next_multiple_of(PAGE);
            TestPages {
                base,
                end: base,
                limit: base + max_pages * PAGE,
                _buffer: buffer,
            }
        }
        fn used(&self) -> usize {
            (self.end - self.base) / PAGE
        }
    }

    impl Pages for TestPages {
        fn grow(&mut self, n: usize) -> Option<usize> {
            let at = self.end;
            if at + n * PAGE > self.limit {
                return None;
            }
            self.end += n * PAGE;
            Some(at)
        }
        fn end(&self) -> usize {
            self.end
        }
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn size_of_kind(rng: &mut Rng) -> usize {
        match rng.below(10) {
            0..=5 => 1 + rng.below(200) as usize,
            6..=7 => 1 + rng.below(40_000) as usize,
            _ => 1 + rng.below(400_000) as usize,
        }
    }

    /// Random allocations, frees and reallocations: every live block keeps its contents, no
    /// two live blocks overlap, every block is aligned, zeroed blocks are zero.
    #[test]
    fn random_use_keeps_blocks_apart_and_intact() {
        let mut heap = Heap::new(TestPages::new(4096));
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        // start -> (len, align, fill byte)
        let mut live: BTreeMap<usize, (usize, usize, u8)> = BTreeMap::new();
        for step in 0..20_000u32 {
            let action = rng.below(10);
            if action < 5 || live.is_empty() {
                let size = size_of_kind(&mut rng);
                let align = 1usize << rng.below(7);
                let layout = Layout::from_size_align(size, align).unwrap();
                let zeroed = rng.below(3) == 0;
                let p = unsafe {
                    if zeroed {
                        heap.alloc_zeroed(layout)
                    } else {
                        heap.alloc(layout)
                    }
                };
                assert!(!p.is_null(), "step {step}: out of memory");
                assert_eq!(p as usize % align, 0, "alignment");
                let block = unsafe { core::slice::from_raw_parts_mut(p, size) };
                if zeroed {
                    assert!(block.iter().all(|&b| b == 0), "step {step}: not zeroed");
                }
                let fill = (step % 251) as u8 + 1;
                block.fill(fill);
                live.insert(p as usize, (size, align, fill));
            } else {
                let k = rng.below(live.len() as u64) as usize;
                let (&start, &(size, align, fill)) = live.iter().nth(k).unwrap();
                let block = unsafe { core::slice::from_raw_parts(start as *const u8, size) };
                assert!(
                    block.iter().all(|&b| b == fill),
                    "step {step}: block overwritten"
                );
                live.remove(&start);
                let layout = Layout::from_size_align(size, align).unwrap();
                if action < 8 {
                    unsafe { heap.dealloc(start as *mut u8, layout) };
                } else {
                    let new_size = size_of_kind(&mut rng);
                    let p = unsafe { heap.realloc(start as *mut u8, layout, new_size) };
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0);
                    let kept = unsafe { core::slice::from_raw_parts_mut(p, new_size) };
                    let n = size.min(new_size);
                    assert!(
                        kept[..n].iter().all(|&b| b == fill),
                        "realloc lost contents"
                    );
                    kept.fill(fill);
                    live.insert(p as usize, (new_size, align, fill));
                }
            }
            if step % 64 != 0 {
                continue;
            }
            // No two live blocks overlap.
            let mut end = 0;
            for (&s, &(len, _, _)) in &live {
                assert!(s >= end, "step {step}: blocks overlap");
                end = s + len;
            }
        }
    }

    /// Freed page runs merge, so a big buffer freed in pieces serves a bigger one later without
    /// growing much; a run at the top of memory is grown rather than abandoned.
    #[test]
    fn freed_pages_are_merged_and_reused() {
        let mut heap = Heap::new(TestPages::new(1024));
        let big = |n: usize| Layout::from_size_align(n * PAGE, 8).unwrap();
        unsafe {
            let a = heap.alloc(big(10));
            let b = heap.alloc(big(10));
            let c = heap.alloc(big(10));
            assert_eq!(heap.pages.used(), 30);
            heap.dealloc(a, big(10));
            heap.dealloc(c, big(10));
            heap.dealloc(b, big(10));
            let d = heap.alloc(big(30));
            assert_eq!(d, a, "the three runs were merged into one");
            assert_eq!(heap.pages.used(), 30);
            heap.dealloc(d, big(30));
            let e = heap.alloc(big(50));
            assert_eq!(e, a, "the top run was grown");
            assert_eq!(heap.pages.used(), 50);
            // Growing in place at the top of memory, and shrinking in place.
            let f = heap.realloc(e, big(50), 60 * PAGE);
            assert_eq!(f, e);
            assert_eq!(heap.pages.used(), 60);
            let g = heap.realloc(f, big(60), 5 * PAGE);
            assert_eq!(g, f);
            let h = heap.alloc(big(55));
            assert_eq!(
                h as usize,
                a as usize + 5 * PAGE,
                "the freed tail is reused"
            );
            assert_eq!(heap.pages.used(), 60);
        }
    }

    #[test]
    fn the_global_allocator_is_the_heap() {
        let global = Global(core::cell::UnsafeCell::new(Heap::new(TestPages::new(4))));
        let l = Layout::from_size_align(100, 4).unwrap();
        unsafe {
            let p = GlobalAlloc::alloc_zeroed(&global, l);
            assert!(!p.is_null());
            let q = GlobalAlloc::realloc(&global, p, l, 2 * PAGE);
            assert!(!q.is_null() && q != p);
            GlobalAlloc::dealloc(&global, q, Layout::from_size_align(2 * PAGE, 4).unwrap());
            assert_eq!(
                GlobalAlloc::alloc(&global, l),
                p,
                "the freed small block is reused"
            );
        }
    }

    #[test]
    fn small_blocks_are_reused_and_out_of_memory_is_null() {
        let mut heap = Heap::new(TestPages::new(2));
        let l = Layout::from_size_align(24, 8).unwrap();
        unsafe {
            let a = heap.alloc(l);
            heap.dealloc(a, l);
            assert_eq!(heap.alloc(l), a);
            assert!(heap
                .alloc(Layout::from_size_align(3 * PAGE, 8).unwrap())
                .is_null());
            assert!(heap
                .alloc(Layout::from_size_align(8, 2 * PAGE).unwrap())
                .is_null());
        }
    }
}
