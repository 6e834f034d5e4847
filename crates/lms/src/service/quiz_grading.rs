//! Auto-grading, as pure functions: the shape an answer must have for its question's kind,
//! and the marks a given answer earns. `mcq`: the one right option. `multi`: exactly the
//! right set — or, with `partial_credit`, `marks × max(0, right picked − wrong picked) /
//! right options`. `numeric`: within the question's absolute tolerance. `code`: the share
//! of passing test cases (with `partial_credit`) or all of them (see
//! [`super::code_runner`]). Scores are rounded to two decimals.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::entities::QuestionKind;

/// The longest code answer, in bytes.
pub const MAX_CODE_BYTES: usize = 65_536;

fn index(v: &Value, options: usize) -> Option<usize> {
    let i = usize::try_from(v.as_u64()?).ok()?;
    (i < options).then_some(i)
}

fn index_set(v: &Value, options: usize) -> Option<BTreeSet<usize>> {
    let items = v.as_array()?;
    let set: BTreeSet<usize> = items
        .iter()
        .map(|i| index(i, options))
        .collect::<Option<_>>()?;
    (set.len() == items.len()).then_some(set)
}

/// Checks a learner's answer has the shape of its kind: an option index (mcq), distinct
/// option indexes (multi), a number (numeric), source code (code). `Err` says what is wrong.
pub fn check_shape(kind: QuestionKind, options: usize, given: &Value) -> Result<(), String> {
    let ok = match kind {
        QuestionKind::Mcq => index(given, options).is_some(),
        QuestionKind::Multi => index_set(given, options).is_some(),
        QuestionKind::Numeric => given.as_f64().is_some_and(f64::is_finite),
        QuestionKind::Code => given.as_str().is_some_and(|s| s.len() <= MAX_CODE_BYTES),
    };
    if ok {
        return Ok(());
    }
    Err(match kind {
        QuestionKind::Mcq => format!(
            "must be an option index from 0 to {}",
            options.saturating_sub(1)
        ),
        QuestionKind::Multi => format!(
            "must be an array of distinct option indexes from 0 to {}",
            options.saturating_sub(1)
        ),
        QuestionKind::Numeric => "must be a number".into(),
        QuestionKind::Code => format!("must be source code of at most {MAX_CODE_BYTES} bytes"),
    })
}

/// Rounds marks to two decimals.
pub fn round(score: f64) -> f64 {
    (score * 100.0).round() / 100.0
}

/// The marks an answer to a non-code question earns (`None` or a malformed answer: 0).
pub fn grade(
    kind: QuestionKind,
    options: usize,
    key: &Value,
    marks: i32,
    partial_credit: bool,
    tolerance: Option<f64>,
    given: Option<&Value>,
) -> f64 {
    let Some(given) = given else { return 0.0 };
    let marks = f64::from(marks);
    let score = match kind {
        QuestionKind::Mcq => match (index(given, options), index(key, options)) {
            (Some(g), Some(k)) if g == k => marks,
            _ => 0.0,
        },
        QuestionKind::Multi => {
            let (Some(g), Some(k)) = (index_set(given, options), index_set(key, options)) else {
                return 0.0;
            };
            if g == k {
                marks
            } else if partial_credit && !k.is_empty() {
                let right = g.intersection(&k).count() as f64;
                let wrong = g.difference(&k).count() as f64;
                (marks * (right - wrong) / k.len() as f64).max(0.0)
            } else {
                0.0
            }
        }
        QuestionKind::Numeric => match (given.as_f64(), key.as_f64()) {
            (Some(g), Some(k)) if (g - k).abs() <= tolerance.unwrap_or(0.0) + 1e-9 => marks,
            _ => 0.0,
        },
        QuestionKind::Code => 0.0,
    };
    round(score)
}

/// The marks of a code answer from its passing cases.
pub fn grade_code(marks: i32, partial_credit: bool, passed: usize, total: usize) -> f64 {
    if total == 0 {
        return 0.0;
    }
    let marks = f64::from(marks);
    round(if passed == total {
        marks
    } else if partial_credit {
        marks * passed as f64 / total as f64
    } else {
        0.0
    })
}

/// Whether `score` of `max_score` reaches `pass_percent`.
pub fn passes(score: f64, max_score: f64, pass_percent: i32) -> bool {
    if max_score <= 0.0 {
        return pass_percent == 0;
    }
    score * 100.0 + 1e-9 >= max_score * f64::from(pass_percent)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn mcq_takes_the_one_right_option() {
        let g = |v| grade(QuestionKind::Mcq, 4, &json!(2), 3, false, None, Some(&v));
        assert_eq!(g(json!(2)), 3.0);
        assert_eq!(g(json!(1)), 0.0);
        assert_eq!(g(json!("2")), 0.0);
        assert_eq!(
            grade(QuestionKind::Mcq, 4, &json!(2), 3, false, None, None),
            0.0
        );
    }

    #[test]
    fn multi_is_the_exact_set_or_declared_partial_credit() {
        let key = json!([0, 2]);
        let g = |v, partial| grade(QuestionKind::Multi, 4, &key, 4, partial, None, Some(&v));
        assert_eq!(g(json!([2, 0]), false), 4.0);
        assert_eq!(g(json!([0]), false), 0.0);
        assert_eq!(g(json!([0]), true), 2.0);
        assert_eq!(g(json!([0, 1]), true), 0.0, "one right, one wrong");
        assert_eq!(g(json!([1, 3]), true), 0.0, "never negative");
        assert_eq!(g(json!([0, 0]), true), 0.0, "duplicates are malformed");
    }

    #[test]
    fn numeric_within_tolerance() {
        let g = |v, tol| {
            grade(
                QuestionKind::Numeric,
                0,
                &json!(2.25),
                2,
                false,
                tol,
                Some(&v),
            )
        };
        assert_eq!(g(json!(2.25), None), 2.0);
        assert_eq!(g(json!(2.2), None), 0.0);
        assert_eq!(g(json!(2.2), Some(0.05)), 2.0);
        assert_eq!(g(json!(2.0), Some(0.05)), 0.0);
    }

    #[test]
    fn code_by_passing_cases() {
        assert_eq!(grade_code(10, false, 3, 3), 10.0);
        assert_eq!(grade_code(10, false, 2, 3), 0.0);
        assert_eq!(grade_code(10, true, 2, 3), 6.67);
    }

    #[test]
    fn shapes_by_kind() {
        assert!(check_shape(QuestionKind::Mcq, 3, &json!(2)).is_ok());
        assert!(check_shape(QuestionKind::Mcq, 3, &json!(3)).is_err());
        assert!(check_shape(QuestionKind::Multi, 3, &json!([0, 1])).is_ok());
        assert!(check_shape(QuestionKind::Multi, 3, &json!([1, 1])).is_err());
        assert!(check_shape(QuestionKind::Numeric, 0, &json!(1.5)).is_ok());
        assert!(check_shape(QuestionKind::Numeric, 0, &json!("1.5")).is_err());
        assert!(check_shape(QuestionKind::Code, 0, &json!("print(1)")).is_ok());
    }

    #[test]
    fn pass_threshold() {
        assert!(passes(6.0, 10.0, 60));
        assert!(!passes(5.99, 10.0, 60));
        assert!(passes(0.0, 0.0, 0));
    }
}
