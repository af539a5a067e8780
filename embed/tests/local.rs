//! The local embedder against the real all-MiniLM-L6-v2 weights.
//!
//! The model is what is under test, so it is never mocked. Without it these
//! tests fail under CI (whose setup fetches it) and skip loudly elsewhere.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use procura_embed::{EmbedError, Embedder, LocalMiniLm, MAX_TOKENS, default_model_dir};

/// Loads the model once for all tests of this binary; `None` means skip.
fn model() -> Option<LocalMiniLm> {
    static MODEL: OnceLock<Option<LocalMiniLm>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let dir = default_model_dir();
            if !dir.join("model.safetensors").is_file() {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "model not found at {}: CI must run scripts/setup (scripts/fetch-model) first",
                    dir.display()
                );
                // Straight to stderr: libtest captures eprintln! of passing
                // tests, and a skip must be seen.
                let _ = writeln!(
                    std::io::stderr(),
                    "\n*** SKIPPED: model not found at {}, run scripts/fetch-model ***\n",
                    dir.display()
                );
                return None;
            }
            match LocalMiniLm::load(&dir) {
                Ok(model) => Some(model),
                Err(e) => panic!("model at {} does not load: {e}", dir.display()),
            }
        })
        .clone()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn strings(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| t.to_string()).collect()
}

#[tokio::test]
async fn vectors_have_384_unit_length_dimensions() -> anyhow::Result<()> {
    let Some(model) = model() else { return Ok(()) };
    assert_eq!(model.dimension(), 384);
    assert_eq!(model.model_id(), "local:all-MiniLM-L6-v2");
    let vectors = model
        .embed(&strings(&["A4 copy paper, 500 sheets", "", "x"]))
        .await?;
    assert_eq!(vectors.len(), 3);
    for v in &vectors {
        assert_eq!(v.len(), 384);
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "norm {norm}");
    }
    Ok(())
}

#[tokio::test]
async fn similar_products_are_closer_than_different_ones() -> anyhow::Result<()> {
    let Some(model) = model() else { return Ok(()) };
    let v = model
        .embed(&strings(&[
            "ergonomic mesh office chair with lumbar support",
            "task chair, breathable mesh back, adjustable lumbar",
            "27-inch 4K IPS monitor",
        ]))
        .await?;
    let chair = cosine(&v[0], &v[1]);
    let monitor = cosine(&v[0], &v[2]);
    eprintln!("cosine: chair~chair {chair:.3}, chair~monitor {monitor:.3}");
    assert!(
        chair > monitor + 0.2,
        "chair~chair {chair}, chair~monitor {monitor}"
    );
    Ok(())
}

#[tokio::test]
async fn batching_and_padding_do_not_change_vectors() -> anyhow::Result<()> {
    let Some(model) = model() else { return Ok(()) };
    let long = "Height-adjustable electric standing desk with dual motors, \
        memory presets, cable tray, anti-collision sensor and a solid oak top. "
        .repeat(6);
    let texts = strings(&[
        "pen",
        &long,
        "ergonomic mesh office chair with lumbar support",
        "",
        "Brother HL-L2350DW monochrome laser printer, duplex, Wi-Fi",
        "pen",
    ]);
    let together = model.embed(&texts).await?;
    // A batch size of 2 also mixes the texts into other groupings.
    let pairs = model.clone().with_batch_size(2).embed(&texts).await?;
    assert_eq!(together.len(), texts.len());
    for (i, text) in texts.iter().enumerate() {
        let alone = model.embed(std::slice::from_ref(text)).await?;
        for (name, batched) in [("one batch", &together[i]), ("pairs", &pairs[i])] {
            let worst = alone[0]
                .iter()
                .zip(batched)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(worst < 1e-5, "text {i} ({name}): differs by {worst}");
        }
    }
    // Same text, same vector, wherever it sits in the batch.
    assert_eq!(together[0], together[5]);
    Ok(())
}

#[tokio::test]
async fn empty_input_gives_empty_output() -> anyhow::Result<()> {
    let Some(model) = model() else { return Ok(()) };
    assert!(model.embed(&[]).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn overlong_text_is_truncated_not_refused() -> anyhow::Result<()> {
    let Some(model) = model() else { return Ok(()) };
    // Far beyond both MAX_TOKENS and BERT's 512 positions.
    let head = "industrial shelving unit, galvanised steel, five shelves. ".repeat(100);
    let longer = format!(
        "{head}{}",
        "completely unrelated words about the sea. ".repeat(60)
    );
    assert!(head.split_whitespace().count() > 2 * MAX_TOKENS);
    let v = model.embed(&[head, longer]).await?;
    assert_eq!(v[0].len(), 384);
    // Only the first 256 tokens count, and they are the same in both.
    assert!(cosine(&v[0], &v[1]) > 0.9999);
    Ok(())
}

/// Compares with vectors computed independently in float64 by
/// `fixtures/minilm_reference.py` (numpy re-implementation of
/// sentence-transformers' pipeline for this model).
#[tokio::test]
async fn matches_python_reference() -> anyhow::Result<()> {
    let Some(model) = model() else { return Ok(()) };
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minilm_reference.json");
    let reference: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let texts: Vec<String> = serde_json::from_value(reference["texts"].clone())?;
    let expected: Vec<Vec<f32>> = serde_json::from_value(reference["vectors"].clone())?;
    let got = model.embed(&texts).await?;
    for ((text, want), have) in texts.iter().zip(&expected).zip(&got) {
        let worst = want
            .iter()
            .zip(have)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        eprintln!("{text:?}: largest difference from the reference {worst:.2e}");
        assert!(worst < 1e-4, "{text:?}: differs from reference by {worst}");
        assert!(cosine(want, have) > 0.99999, "{text:?}");
    }
    Ok(())
}

#[test]
fn a_missing_file_is_named_with_the_fix() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("config.json"), "{}")?;
    std::fs::write(dir.path().join("model.safetensors"), b"")?;
    match LocalMiniLm::load(dir.path()) {
        Err(e @ EmbedError::ModelMissing { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("tokenizer.json"), "{msg}");
            assert!(msg.contains("scripts/fetch-model"), "{msg}");
        }
        other => panic!("expected ModelMissing, got {other:?}"),
    }
    Ok(())
}

#[test]
fn a_corrupt_file_is_an_error_not_a_panic() -> anyhow::Result<()> {
    let Some(_) = model() else { return Ok(()) };
    let dir = tempfile::tempdir()?;
    let real = default_model_dir();
    for name in ["config.json", "tokenizer.json"] {
        std::fs::copy(real.join(name), dir.path().join(name))?;
    }
    std::fs::write(dir.path().join("model.safetensors"), b"not safetensors")?;
    match LocalMiniLm::load(dir.path()) {
        Err(EmbedError::ModelLoad { path, .. }) => assert!(path.ends_with("model.safetensors")),
        other => panic!("expected ModelLoad, got {other:?}"),
    }
    Ok(())
}
