//! Render: one report model ([`model::Analysis`]), JSON canonical; Markdown,
//! HTML and terminal text are views of it.

pub mod escape;
pub mod model;

pub mod redact {
    //! Placeholder until the report branch lands.
    pub fn redact(a: &super::model::Analysis) -> super::model::Analysis {
        a.clone()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Json,
}

pub fn render(a: &model::Analysis, _format: Format, _color: bool, _width: usize) -> String {
    let mut s = serde_json::to_string_pretty(a).unwrap_or_default();
    s.push('\n');
    s
}
