//! Tools for the tests, used only as a dev-dependency: nothing here ships.

mod fault_proxy;

pub use fault_proxy::{FaultProxy, Mode};
