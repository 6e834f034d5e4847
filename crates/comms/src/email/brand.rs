//! Platform branding of emails: name, accent colour and site, chosen by the platform slug.

/// How a platform's emails look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    /// Display name, also the From name.
    pub name: String,
    /// Accent colour (CSS hex).
    pub color: &'static str,
    /// Public site.
    pub site: &'static str,
}

/// The brand of a platform slug; an unknown slug gets the suite's brand under its own name.
pub fn brand(platform: &str) -> Brand {
    let (name, color, site) = match platform {
        "mr-mentor" => ("Mr. Mentor", "#4f46e5", "https://mrmentor.in"),
        "my-analytics-school" => (
            "My Analytics School",
            "#0f766e",
            "https://myanalyticsschool.com",
        ),
        "mr-hire" => ("Mr. Hire", "#b45309", "https://mrhire.in"),
        other => {
            return Brand {
                name: title_case(other),
                color: "#334155",
                site: "https://myanalyticsschool.com",
            };
        }
    };
    Brand {
        name: name.to_owned(),
        color,
        site,
    }
}

fn title_case(slug: &str) -> String {
    let words: Vec<String> = slug
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect();
    if words.is_empty() {
        "MAS".to_owned()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_platforms() {
        assert_eq!(brand("mr-hire").name, "Mr. Hire");
        assert_eq!(brand("acme-academy").name, "Acme Academy");
        assert_eq!(brand("").name, "MAS");
    }
}
