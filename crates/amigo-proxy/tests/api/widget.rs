//! The demo page and the widget build: placeholders, precompressed siblings, caching, and no
//! escape from the build folder.

use axum::body::Body;
use axum::http::{Method, StatusCode};

use crate::helpers::{Options, request, spawn_app, spawn_app_with};

const BROTLI: &str = "BROTLI";
const GZIP: &str = "GZIP";

fn build_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("index.html"),
        "<html><script>window.AMIGO = {proxy: '{{AMIGO_PROXY}}', api: '{{AMIGO_API}}', features: '{{AMIGO_FEATURES}}'};</script>\
         <script type=module src=\"/widget/amigo-widget-0123456789abcdef.js\"></script></html>",
    )
    .unwrap();
    std::fs::write(
        p.join("amigo-widget-0123456789abcdef.js"),
        "console.log('raw')",
    )
    .unwrap();
    // larger than the on-the-fly compressor's threshold, so a second compression would show
    std::fs::write(
        p.join("amigo-widget-0123456789abcdef.js.br"),
        BROTLI.repeat(20),
    )
    .unwrap();
    std::fs::write(
        p.join("amigo-widget-0123456789abcdef.js.gz"),
        GZIP.repeat(20),
    )
    .unwrap();
    std::fs::write(p.join("amigo-widget-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
    // the loader merchants embed: a stable name, with its precompressed sibling
    std::fs::write(p.join("amigo-widget.js"), "(function(){})()").unwrap();
    std::fs::write(p.join("amigo-widget.js.br"), BROTLI.repeat(20)).unwrap();
    std::fs::create_dir(p.join("img")).unwrap();
    std::fs::write(p.join("img/logo.svg"), "<svg/>").unwrap();
    dir
}

async fn get_with(
    app: &crate::helpers::TestApp,
    uri: &str,
    accept: &str,
) -> crate::helpers::TestResponse {
    app.call(
        request(Method::GET, uri)
            .header("accept-encoding", accept)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_demo_page_gets_the_proxy_and_api_urls() {
    let dir = build_dir();
    let app = spawn_app_with(Options {
        widget_dir: Some(dir.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let page = String::from_utf8(r.body.to_vec()).unwrap();
    assert!(
        page.contains(&format!("proxy: '{}'", app.proxy_url)),
        "{page}"
    );
    assert!(
        page.contains(&format!("api: '{}'", app.upstream.api_base)),
        "{page}"
    );
    // the test proxy sells data, so the demo page turns the "Buy data" view on
    assert!(page.contains("features: 'data'"), "{page}");
    assert!(!page.contains("{{"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    // files without a precompressed sibling are compressed on the fly when accepted
    let gz = get_with(&app, "/", "gzip").await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert!(gz.body.starts_with(&[0x1f, 0x8b]), "a gzip stream");
}

#[tokio::test]
async fn precompressed_siblings_hashed_names_and_types() {
    let dir = build_dir();
    let app = spawn_app_with(Options {
        widget_dir: Some(dir.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    let js = "/widget/amigo-widget-0123456789abcdef.js";
    let br = get_with(&app, js, "gzip, deflate, br").await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.body, BROTLI.repeat(20).as_bytes());
    assert!(
        br.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(
        br.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(br.header("vary"), Some("accept-encoding"));
    let gz = get_with(&app, js, "gzip").await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.body, GZIP.repeat(20).as_bytes());
    let raw = get_with(&app, js, "identity").await;
    assert_eq!(raw.header("content-encoding"), None);
    assert_eq!(&raw.body[..], b"console.log('raw')");
    let wasm = get_with(&app, "/widget/amigo-widget-0123456789abcdef_bg.wasm", "").await;
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(
        wasm.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let svg = get_with(&app, "/widget/img/logo.svg", "").await;
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert_eq!(svg.header("cache-control"), Some("public, max-age=300"));
}

#[tokio::test]
async fn nothing_outside_the_build_is_served() {
    let dir = build_dir();
    std::fs::write(dir.path().parent().unwrap().join("secret.txt"), "no").ok();
    let app = spawn_app_with(Options {
        widget_dir: Some(dir.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    for uri in [
        "/widget/../secret.txt",
        "/widget/%2e%2e/secret.txt",
        "/widget/img/../../secret.txt",
        "/widget/missing.js",
        "/widget/img",
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn without_a_build_folder_the_embedded_build_or_a_clear_placeholder_is_served() {
    let app = spawn_app().await;
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    let page = String::from_utf8(r.body.to_vec()).unwrap();
    let embedded = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../dist/index.html")
        .is_file();
    if embedded {
        assert!(!page.contains("{{AMIGO_PROXY}}"));
    } else {
        assert!(page.contains("not built"), "{page}");
        assert!(page.contains("scripts/build-widget.sh"), "{page}");
    }
}

#[tokio::test]
async fn the_loader_has_a_short_max_age_and_an_etag_that_revalidates() {
    let dir = build_dir();
    let app = spawn_app_with(Options {
        widget_dir: Some(dir.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    let loader = "/widget/amigo-widget.js";
    let br = get_with(&app, loader, "br").await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("cache-control"), Some("public, max-age=300"));
    assert_eq!(br.header("vary"), Some("accept-encoding"));
    let tag = br
        .header("etag")
        .expect("the loader carries an ETag")
        .to_owned();
    assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
    let raw = get_with(&app, loader, "identity").await;
    assert_eq!(raw.header("content-encoding"), None);
    let raw_tag = raw.header("etag").unwrap().to_owned();
    assert_ne!(raw_tag, tag, "each representation has its own ETag");

    let revalidate = |accept: &'static str, tag: String| {
        let app = &app;
        async move {
            app.call(
                request(Method::GET, loader)
                    .header("accept-encoding", accept)
                    .header("if-none-match", tag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    let same = revalidate("br", format!("\"stale\", {tag}")).await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    assert!(same.body.is_empty());
    assert_eq!(same.header("etag"), Some(tag.as_str()));
    assert_eq!(same.header("cache-control"), Some("public, max-age=300"));
    // a tag for another representation, or an old build, gets the file again
    let other = revalidate("br", raw_tag).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.body, BROTLI.repeat(20).as_bytes());
    std::fs::write(dir.path().join("amigo-widget.js.br"), GZIP.repeat(20)).unwrap();
    let changed = revalidate("br", tag.clone()).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));

    // hashed names never change, so they need no ETag
    let js = get_with(&app, "/widget/amigo-widget-0123456789abcdef.js", "br").await;
    assert_eq!(js.header("etag"), None);
}
