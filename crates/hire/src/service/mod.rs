//! The crate's logic (no HTTP here): posts and templates, resumes, applications and the
//! pipeline.

pub mod applications;
pub mod candidates;
pub mod erasure;
pub mod impact;
pub mod ozone;
pub mod pipeline;
pub mod placement;
pub mod posts;
pub mod quizzes;
pub mod resumes;
pub mod reviews;
pub mod screening;
pub mod talent;
pub mod templates;
pub mod voice;

/// Strings of a JSON array (other values skipped).
pub(crate) fn strings(json: &serde_json::Value) -> Vec<String> {
    json.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
