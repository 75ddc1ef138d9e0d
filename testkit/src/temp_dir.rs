use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};

/// A fresh folder under the system's temporary folder, removed with everything in it
/// on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// `label` names the folder, so one left behind by a killed run says whose it was.
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("taskapp-{label}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A loopback port nothing listens on at the moment of asking.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).and_then(|l| l.local_addr()).expect("a free port").port()
}
