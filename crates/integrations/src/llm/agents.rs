//! An agent's provider entries: what is stored in `ai_agent_configs.providers`, what the
//! admin reads and writes, the seeded defaults, the prompt rendering and the cost rule.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use validator::Validate;

use crate::entities::kinds::{Agent, ProviderName};

/// One provider of an agent, tried in list order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
pub struct ProviderEntry {
    /// The provider.
    pub provider: ProviderName,
    /// Its model name, 1-100 characters of `[A-Za-z0-9._:/-]`.
    #[validate(length(min = 1, max = 100), custom(function = "model_name"))]
    #[schema(min_length = 1, max_length = 100, pattern = r"^[A-Za-z0-9._:/-]+$")]
    pub model: String,
    /// The prompt; `{{input}}` is replaced by the call's input (a string as is, anything
    /// else as JSON), `{{input.<key>}}` by one key of an object input. 1-20000 characters.
    #[validate(length(min = 1, max = 20_000))]
    #[schema(min_length = 1, max_length = 20_000)]
    pub prompt_template: String,
    /// Version of the prompt, recorded with every call, 1-40 characters.
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub prompt_version: String,
    /// Sampling temperature, 0-2.
    #[validate(range(min = 0.0, max = 2.0))]
    #[schema(minimum = 0.0, maximum = 2.0)]
    pub temperature: f64,
    /// Most output tokens, 1-32000.
    #[validate(range(min = 1, max = 32_000))]
    #[schema(minimum = 1, maximum = 32000)]
    pub max_output_tokens: u32,
    /// Price of one million input tokens, paise, 0-100000000.
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100000000)]
    pub input_price_per_mtok_paise: i64,
    /// Price of one million output tokens, paise, 0-100000000.
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100000000)]
    pub output_price_per_mtok_paise: i64,
}

fn model_name(model: &str) -> Result<(), validator::ValidationError> {
    if model
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._:/-".contains(c))
    {
        Ok(())
    } else {
        Err(validator::ValidationError::new("model")
            .with_message("may hold only letters, digits and . _ : / -".into()))
    }
}

impl ProviderEntry {
    /// The cost of a call, paise, rounded up.
    pub fn cost_paise(&self, tokens_in: i64, tokens_out: i64) -> i64 {
        let micro = i128::from(tokens_in) * i128::from(self.input_price_per_mtok_paise)
            + i128::from(tokens_out) * i128::from(self.output_price_per_mtok_paise);
        i64::try_from((micro + 999_999) / 1_000_000).unwrap_or(i64::MAX)
    }
}

/// Longest prompt [`render`] gives, in bytes (about 100,000 tokens: more than any model of
/// the defaults takes, far less than memory).
pub const MAX_PROMPT_BYTES: usize = 400_000;

fn as_text(value: &Value) -> std::borrow::Cow<'_, str> {
    match value {
        Value::String(s) => s.as_str().into(),
        other => other.to_string().into(),
    }
}

/// Renders `template` with `input` in one pass over the template: `{{input}}` is the whole
/// input, `{{input.<key>}}` a field of an object input (an unknown key stays as written).
/// Text put in is never searched again, so an input holding placeholders (a resume, a lead's
/// form) is copied as it is and cannot multiply itself. `None` when the prompt would be over
/// [`MAX_PROMPT_BYTES`].
pub fn render(template: &str, input: &Value) -> Option<String> {
    const WHOLE: &str = "{{input}}";
    const FIELD: &str = "{{input.";
    let whole = as_text(input);
    let mut out = String::with_capacity(template.len().min(MAX_PROMPT_BYTES));
    let mut rest = template;
    while let Some(at) = rest.find("{{input") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let field = tail.strip_prefix(FIELD).and_then(|after| {
            let end = after.find("}}")?;
            let value = input.as_object()?.get(&after[..end])?;
            Some((as_text(value), FIELD.len() + end + 2))
        });
        let (text, used) = if tail.starts_with(WHOLE) {
            (whole.clone(), WHOLE.len())
        } else if let Some(found) = field {
            found
        } else {
            ("{{input".into(), "{{input".len())
        };
        if out.len() + text.len() > MAX_PROMPT_BYTES {
            return None;
        }
        out.push_str(&text);
        rest = &tail[used..];
    }
    out.push_str(rest);
    (out.len() <= MAX_PROMPT_BYTES).then_some(out)
}

/// The seeded provider list of an agent (an admin changes it with `PUT`; none for the
/// proxy). Prices are list
/// prices in paise at about ₹85 a dollar.
pub fn defaults(agent: Agent) -> Vec<ProviderEntry> {
    let (prompt, temperature, max_tokens) = match agent {
        Agent::Proxy => return Vec::new(),
        Agent::ResumeScreening => (
            "You screen resumes for a hiring team. Score the candidate against the job and list strengths and gaps.\n\n{{input}}",
            0.2,
            1_024,
        ),
        Agent::CoursePlan => (
            "You are a curriculum designer. Draft a week-by-week course plan for:\n\n{{input}}",
            0.5,
            4_096,
        ),
        Agent::StudentProfileSummary => (
            "Summarise this student's progress, strengths and risks for their mentor in under 150 words:\n\n{{input}}",
            0.3,
            512,
        ),
        Agent::WorkflowText => (
            "Write a short, friendly message for this situation:\n\n{{input}}",
            0.7,
            512,
        ),
    };
    let entry = |provider, model: &str, input_price, output_price| ProviderEntry {
        provider,
        model: model.to_owned(),
        prompt_template: prompt.to_owned(),
        prompt_version: "v1".to_owned(),
        temperature,
        max_output_tokens: max_tokens,
        input_price_per_mtok_paise: input_price,
        output_price_per_mtok_paise: output_price,
    };
    vec![
        entry(ProviderName::Openai, "gpt-4o-mini", 1_275, 5_100),
        entry(
            ProviderName::Anthropic,
            "claude-3-5-haiku-latest",
            6_800,
            34_000,
        ),
        entry(ProviderName::Gemini, "gemini-2.0-flash", 850, 3_400),
        entry(ProviderName::Groq, "llama-3.3-70b-versatile", 5_015, 6_715),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prompts_render_and_costs_round_up() {
        assert_eq!(render("Q: {{input}}", &json!("hi")).unwrap(), "Q: hi");
        assert_eq!(
            render("{{input.name}} / {{input}}", &json!({"name": "Asha"})).unwrap(),
            r#"Asha / {"name":"Asha"}"#
        );
        assert_eq!(
            render(
                "{{input.missing}} {{input.name}} {{inputs}}",
                &json!({"name": "Asha"})
            )
            .unwrap(),
            "{{input.missing}} Asha {{inputs}}"
        );
        let e = &defaults(Agent::WorkflowText)[0];
        assert_eq!(e.cost_paise(0, 0), 0);
        assert_eq!(e.cost_paise(1, 0), 1);
        assert_eq!(e.cost_paise(1_000_000, 1_000_000), 1_275 + 5_100);
        for agent in Agent::ALL {
            assert!(defaults(agent).iter().all(|e| e.validate().is_ok()));
        }
    }

    #[test]
    fn input_holding_placeholders_is_copied_not_expanded() {
        // a resume (or an admin's input) that repeats the placeholders of other fields
        let resume = "{{input.resume}}{{input.rubric}}{{input}}".repeat(600);
        let input = json!({"resume": resume, "rubric": "SQL"});
        let prompt = render("R: {{input.resume}} / {{input.rubric}}", &input).unwrap();
        assert_eq!(prompt, format!("R: {resume} / SQL"));
        // the same attack on the whole-input placeholder
        let flood = json!({"a": "{{input.a}}".repeat(9_000)});
        let prompt = render("{{input}}", &flood).unwrap();
        assert_eq!(prompt, flood.to_string());
    }

    #[test]
    fn a_prompt_over_the_limit_is_refused() {
        let input = json!("x".repeat(MAX_PROMPT_BYTES / 4));
        assert!(render("{{input}}{{input}}{{input}}", &input).is_some());
        assert!(render("{{input}}{{input}}{{input}}{{input}}{{input}}", &input).is_none());
    }
}
