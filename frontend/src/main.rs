#[cfg(target_arch = "wasm32")]
fn main() {
    frontend::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The web app runs in a browser: build it with scripts/build-frontend.sh.");
    std::process::exit(1);
}
