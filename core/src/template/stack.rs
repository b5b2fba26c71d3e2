//! Stack budgets. Go grows goroutine stacks on demand, so its parser and executor recurse
//! freely; ours run on a fixed native (or WASM shadow) stack. Each deep recursion point
//! measures how far the stack has grown since a base address and stops with an error
//! before it can overflow, whatever the build profile's frame sizes are.

/// The stack the parser may use for one source text.
pub const PARSE_BUDGET: usize = 384 << 10;
/// The stack one render's execution may use (templates, includes, `tpl`, nesting).
pub const EXEC_BUDGET: usize = 768 << 10;

/// An approximate current stack address.
#[inline(never)]
pub fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// A base stack address and how far from it recursion may go.
#[derive(Clone, Copy, Debug)]
pub struct StackBudget {
    base: usize,
    limit: usize,
}

impl StackBudget {
    pub fn new(limit: usize) -> Self {
        StackBudget {
            base: here(),
            limit,
        }
    }

    pub fn exhausted(&self) -> bool {
        self.base.abs_diff(here()) > self.limit
    }

    /// Checked at `include`/`tpl` boundaries with some room to spare, so runaway
    /// recursion through them stops there, with Helm's own message for it.
    pub fn nearly_exhausted(&self) -> bool {
        self.base.abs_diff(here()) > self.limit - self.limit / 8
    }
}
