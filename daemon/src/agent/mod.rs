//! The agent: an explicit graph of typed nodes. After each node the job's
//! state is checkpointed, so an interrupted job resumes at the first node
//! without a checkpoint, on any daemon.

pub mod browse;
mod browse_source;
pub mod context;
pub mod draft;
pub mod extract;
pub mod grouping;
pub mod index;
pub mod normalise;
pub mod plan;
pub mod rank;
pub mod runner;
pub mod services;
mod vision;
pub mod worker;

use std::collections::HashMap;

use procura_common::spec::SearchSpec;

use crate::db::DbError;
pub use context::NodeContext;

/// The nodes of a search job, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    Plan,
    Browse,
    Extract,
    Normalise,
    Index,
    Rank,
    /// Only does anything when the job has negotiation on.
    Draft,
}

impl Node {
    pub const GRAPH: &'static [Node] = &[
        Node::Plan,
        Node::Browse,
        Node::Extract,
        Node::Normalise,
        Node::Index,
        Node::Rank,
        Node::Draft,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Node::Plan => "plan",
            Node::Browse => "browse",
            Node::Extract => "extract",
            Node::Normalise => "normalise",
            Node::Index => "index",
            Node::Rank => "rank",
            Node::Draft => "draft",
        }
    }

    pub fn from_name(name: &str) -> Option<Node> {
        Node::GRAPH.iter().copied().find(|n| n.name() == name)
    }

    async fn run(self, ctx: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
        match self {
            Node::Plan => plan::run(ctx).await,
            Node::Browse => browse::run(ctx).await,
            Node::Extract => extract::run(ctx).await,
            Node::Normalise => normalise::run(ctx).await,
            Node::Index => index::run(ctx).await,
            Node::Rank => rank::run(ctx).await,
            Node::Draft => draft::run(ctx).await,
        }
    }
}

/// What a finished node hands to the checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeOutput {
    Planned(SearchSpec),
    Browsed(Vec<browse::VisitedPage>),
    Extracted(Vec<crate::db::products::NewProduct>),
    Normalised { products: usize },
    Indexed { products: usize },
    Ranked { kept: usize, excluded: usize },
    Drafted { drafts: usize },
}

impl NodeOutput {
    pub fn state(&self) -> serde_json::Value {
        let value = match self {
            NodeOutput::Planned(spec) => serde_json::to_value(spec),
            NodeOutput::Browsed(pages) => serde_json::to_value(pages),
            NodeOutput::Extracted(products) => serde_json::to_value(products),
            NodeOutput::Normalised { products } => Ok(serde_json::json!({ "products": products })),
            NodeOutput::Indexed { products } => Ok(serde_json::json!({ "indexed": products })),
            NodeOutput::Ranked { kept, excluded } => {
                Ok(serde_json::json!({ "ranked": kept, "excluded": excluded }))
            }
            NodeOutput::Drafted { drafts } => Ok(serde_json::json!({ "drafts": drafts })),
        };
        value.unwrap_or_default()
    }
}

/// The state of every finished node, by node.
pub type Checkpoints = HashMap<Node, serde_json::Value>;

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The job cannot succeed; it is failed with this message.
    #[error("{0}")]
    Fatal(String),
    /// The job was cancelled, the lease lost or the daemon is stopping.
    #[error("interrupted: {0:?}")]
    Interrupted(Interruption),
    #[error(transparent)]
    Db(#[from] DbError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    Cancelled,
    LeaseLost,
    ShuttingDown,
}
