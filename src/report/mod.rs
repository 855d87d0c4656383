//! Render: one report model ([`model::Analysis`]), JSON canonical; Markdown,
//! HTML and terminal text are views of it.

pub mod escape;
pub mod model;
