//! A PDF resume's text is read by a child of the gateway binary with its memory capped (ADR
//! 0094): a decompression bomb, which an anonymous applicant can upload, ends that child and
//! fails the read, and the reading process goes on; a real PDF reads as before.

use std::{io::Write, process::Stdio};

use flate2::{Compress, Compression, FlushCompress};

/// A one-page PDF whose content stream is `stream`, declared with `filter` when given.
fn pdf(stream: &[u8], filter: Option<&str>) -> Vec<u8> {
    let filter = filter.map(|f| format!(" /Filter /{f}")).unwrap_or_default();
    let mut contents = format!("<< /Length {}{filter} >>\nstream\n", stream.len()).into_bytes();
    contents.extend_from_slice(stream);
    contents.extend_from_slice(b"\nendstream");
    let objects: [Vec<u8>; 5] = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        contents,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

fn readable() -> Vec<u8> {
    pdf(
        b"BT /F1 12 Tf 72 712 Td (Ravi Kumar, SQL analyst) Tj ET\n",
        None,
    )
}

/// A zlib stream of `gib` GiB of zeros in about 1 KB per MiB: one MiB compressed after a
/// sync flush gives a byte-aligned run of blocks that only refers back to zeros, repeated.
/// (Its checksum is that of the first two MiB: a reader finds out only after inflating it
/// all.)
fn bomb(gib: usize) -> Vec<u8> {
    let zeros = vec![0u8; 1 << 20];
    let mut c = Compress::new(Compression::best(), true);
    let mut step = |input: &[u8], flush| {
        let mut out = Vec::with_capacity(1 << 16);
        c.compress_vec(input, &mut out, flush).unwrap();
        out
    };
    let mut out = step(&zeros, FlushCompress::Sync);
    let steady = step(&zeros, FlushCompress::Sync);
    for _ in 1..gib * 1024 {
        out.extend_from_slice(&steady);
    }
    out.extend(step(&[], FlushCompress::Finish));
    out
}

fn run_child(input: &[u8]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gateway"))
        .arg(hire::resume_text::CHILD_COMMAND)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // the child may end before it read everything: a broken pipe is its answer
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn the_reader_child_gives_a_pdfs_text_and_dies_on_a_bomb() {
    let out = run_child(&readable());
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Ravi Kumar, SQL analyst"),
        "{out:?}"
    );

    let bomb = pdf(&bomb(4), Some("FlateDecode"));
    assert!(bomb.len() < 8 << 20, "the bomb is {} bytes", bomb.len());
    let out = run_child(&bomb);
    assert!(!out.status.success(), "a 4 GiB stream was read: {out:?}");
    assert!(out.stdout.is_empty());
}

#[tokio::test]
async fn screening_reads_through_the_child_and_survives_a_bomb() {
    hire::resume_text::read_in_children_of(env!("CARGO_BIN_EXE_gateway").into());
    let err = hire::resume_text::pdf_text(pdf(&bomb(4), Some("FlateDecode")))
        .await
        .unwrap_err();
    assert!(err.starts_with("unreadable PDF"), "{err}");
    let text = hire::resume_text::pdf_text(readable()).await.unwrap();
    assert!(text.contains("Ravi Kumar, SQL analyst"), "{text}");
    let unreadable = hire::resume_text::pdf_text(b"%PDF-1.4 not really".to_vec())
        .await
        .unwrap_err();
    assert!(unreadable.starts_with("unreadable PDF"), "{unreadable}");
}
