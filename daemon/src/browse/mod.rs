//! Visiting vendor shops: where the browser may go, what robots.txt
//! allows, and which links on a result page lead to products.

pub mod guard;
pub mod links;
pub mod robots;
