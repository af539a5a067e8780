//! Finding the shared product pages for the integration tests.

use std::path::PathBuf;

/// `$PROCURA_PRODUCT_PAGES`, else `../shared/data/product-pages` beside the
/// workspace. `None` (after saying so) when the folder is absent.
pub fn pages_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("PROCURA_PRODUCT_PAGES") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/product-pages"),
    };
    if dir.join("html").is_dir() && dir.join("ground-truth.json").is_file() {
        Some(dir)
    } else {
        println!("SKIPPED: product pages not found at {}", dir.display());
        None
    }
}

/// Every page as (id, html), sorted by id.
pub fn pages(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("html"))
        .expect("pages folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.to_string_lossy().ends_with(".html.gz") || p.to_string_lossy().ends_with(".html")
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let html = procura_extract::cli::read_page(p).expect("page reads");
            (procura_extract::cli::page_name(p), html)
        })
        .collect()
}
