//! Where the widget build comes from: a folder given at run time (`--widget-dir`), or the
//! repository's `dist/` (the output of `scripts/build-widget.sh`) embedded at compile time. Knows
//! content types, which names are content-hashed, and the precompressed `.br`/`.gz` siblings.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

/// The build embedded at compile time (empty when `dist/` did not exist then).
#[derive(rust_embed::Embed)]
#[folder = "../../dist/"]
#[allow_missing = true]
struct EmbeddedDist;

/// A source of widget files.
#[derive(Debug, Clone)]
pub enum WidgetAssets {
    /// Files embedded in the binary.
    Embedded,
    /// Files read from a folder on each request.
    Dir(PathBuf),
}

impl WidgetAssets {
    /// The folder if given, else the embedded build.
    pub fn new(dir: Option<PathBuf>) -> Self {
        dir.map_or(WidgetAssets::Embedded, WidgetAssets::Dir)
    }

    /// The bytes of `path` (relative, `/`-separated), if the build has it. Paths that climb out
    /// of the folder are refused, and so is every file a widget build does not make (see
    /// [`is_build_file`]): `--widget-dir` may point at a folder that also holds a `.env`, a
    /// database or notes, and none of them is the widget.
    pub async fn get(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        if !is_build_file(path) {
            return None;
        }
        let rel = safe_relative(path)?;
        match self {
            WidgetAssets::Embedded => EmbeddedDist::get(path).map(|f| f.data),
            WidgetAssets::Dir(dir) => {
                let full = dir.join(rel);
                match tokio::fs::metadata(&full).await {
                    Ok(m) if m.is_file() => tokio::fs::read(&full).await.ok().map(Cow::Owned),
                    _ => None,
                }
            }
        }
    }
}

/// The kinds of file a widget build makes (`scripts/build-widget.sh`): the page, scripts, wasm,
/// styles, and any images or fonts.
const BUILD_EXTENSIONS: [&str; 15] = [
    "html", "js", "mjs", "wasm", "css", "svg", "png", "jpg", "jpeg", "webp", "gif", "ico", "avif",
    "woff", "woff2",
];

/// Whether `path` is a file a widget build makes: one of [`BUILD_EXTENSIONS`], or its
/// precompressed `.br` / `.gz` sibling, with no path component starting with `.` (no dotfiles,
/// no `.git/`). Everything else in the folder (`.env`, `*.db`, notes) is never served.
pub(crate) fn is_build_file(path: &str) -> bool {
    if path.is_empty() || path.split('/').any(|c| c.is_empty() || c.starts_with('.')) {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = name
        .strip_suffix(".br")
        .or_else(|| name.strip_suffix(".gz"))
        .unwrap_or(name);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && BUILD_EXTENSIONS
                .iter()
                .any(|known| ext.eq_ignore_ascii_case(known))
    })
}

/// `path` as a relative path with only normal components, or `None`.
fn safe_relative(path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.contains('\\') || path.contains('\0') {
        return None;
    }
    let p = Path::new(path);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| p.to_path_buf())
}

/// The `Content-Type` for a file name.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Whether a file name carries the build's content hash (`name-<16 hex>.ext`), so it can be cached
/// forever.
pub(crate) fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    stem.rsplit_once('-').is_some_and(|(base, hash)| {
        // wasm-bindgen's module is `name-<hash>_bg.wasm`
        let hash = hash.strip_suffix("_bg").unwrap_or(hash);
        !base.is_empty()
            && hash.len() == 16
            && hash
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

/// The page served at `/` when no widget build is available.
pub(crate) const PLACEHOLDER_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Amigo store: widget not built</title>
</head>
<body>
<main>
<h1>The store widget is not built yet</h1>
<p>This amigo-proxy has no widget build to serve. Its API is running: try
<a href="/api/catalog/categories">/api/catalog/categories</a> or
<a href="/api/openapi.json">/api/openapi.json</a>.</p>
<p>To build the widget, run from the repository root:</p>
<pre>scripts/setup.sh --web
scripts/build-widget.sh</pre>
<p>then either rebuild the proxy (<code>cargo build --release -p amigo-proxy</code>) to embed
<code>dist/</code>, or start it with <code>--widget-dir dist</code>.</p>
</main>
</body>
</html>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        assert!(is_hashed_name("amigo-widget-0123456789abcdef.js"));
        assert!(is_hashed_name("x/amigo-widget-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_name("style-0123456789abcdef.css"));
        assert!(!is_hashed_name("index.html"));
        assert!(!is_hashed_name("amigo-widget-0123456789ABCDEF.js"));
        assert!(!is_hashed_name("amigo-widget-0123456789abcde.js"));
    }

    #[test]
    fn refuses_climbing_out() {
        assert!(safe_relative("../etc/passwd").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a/../../b").is_none());
        assert!(safe_relative("a/b.js").is_some());
    }

    #[test]
    fn only_the_kinds_of_file_a_build_makes() {
        for ok in [
            "index.html",
            "amigo-widget.js",
            "amigo-widget.js.br",
            "amigo-0123456789abcdef_bg.wasm.gz",
            "img/logo.svg",
            "fonts/inter.woff2",
            "style.CSS",
        ] {
            assert!(is_build_file(ok), "{ok}");
        }
        for refused in [
            ".env",
            "x.db",
            "x.db.br",
            "secret.txt",
            ".git/config",
            "sub/.hidden.js",
            ".well-known/x.js",
            "a//b.js",
            "Cargo.toml",
            "js",
            ".js",
            "x.js/",
            "",
        ] {
            assert!(!is_build_file(refused), "{refused}");
        }
    }

    #[test]
    fn wasm_has_its_type() {
        assert_eq!(content_type("x_bg.wasm"), "application/wasm");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
    }
}
