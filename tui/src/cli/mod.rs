//! `procura`'s subcommands for scripts. Every one connects, greets the
//! daemon, does one thing, prints it (as JSON with `--json`) and exits.

pub(crate) mod approvals;
mod find;
mod follow;
mod negotiations;
mod outbox;
mod output;
mod usage;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use procura_common::api::ProcuraClient;
use procura_common::job::{JobFilter, JobId, JobStatus, SubmitSearch};
use procura_common::source::{Politeness, Source};
use procura_common::transport::{Connection, client_socket_path, connect, context_with_timeout};
use procura_common::user::{NewUser, Role};

pub use follow::follow_logs;

const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// procura: the Procura terminal client. With no command it opens the TUI.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// procurad's socket (default: $PROCURA_SOCKET, else the user daemon's,
    /// else /run/procura/procurad.sock).
    #[arg(long, global = true, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Submit a search request, e.g. "20 office chairs under $300 each by Dec 15".
    Search(SearchArgs),
    /// List jobs, newest first.
    Jobs {
        #[arg(long)]
        json: bool,
        /// Only jobs with this status (queued, running, succeeded, failed, cancelled).
        #[arg(long)]
        status: Option<JobStatus>,
        /// At most this many jobs.
        #[arg(long, default_value_t = 200)]
        limit: u32,
    },
    /// Show one job, with its parsed spec.
    Show {
        job: String,
        #[arg(long)]
        json: bool,
    },
    /// Print a job's agent log.
    Logs {
        job: String,
        /// Keep printing new entries until the job ends (survives daemon restarts).
        #[arg(long, short)]
        follow: bool,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// Only entries after this seq.
        #[arg(long, default_value_t = 0)]
        after: i64,
    },
    /// The products a job found, cheapest first.
    Products {
        job: String,
        #[arg(long)]
        json: bool,
    },
    /// Find products your organization has seen, by meaning and by constraint.
    Find(find::FindArgs),
    /// A job's ranked shortlist, with the reason for every place and exclusion.
    Shortlist {
        job: String,
        #[arg(long)]
        json: bool,
    },
    /// Model usage of your organization: calls, tokens and cost by day,
    /// service and model, and this month's budget.
    Usage(usage::UsageArgs),
    /// Vendor sources: the shops a search visits.
    Sources {
        #[command(subcommand)]
        command: SourcesCommand,
    },
    #[command(flatten)]
    Approval(approvals::ApprovalCommand),
    /// Approved email and its delivery: `outbox`, `outbox resend ID`,
    /// `outbox mark-sent ID`.
    Outbox(outbox::OutboxArgs),
    #[command(flatten)]
    Negotiation(negotiations::NegotiationCommand),
    /// Cancel a job (a running one stops at its next node boundary).
    Cancel { job: String },
    /// Re-queue a failed or cancelled job; it resumes from its checkpoints.
    Retry { job: String },
    /// Show the daemon's status.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The request in your own words.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Wait for the job to finish and print it.
    #[arg(long)]
    pub wait: bool,
    #[arg(long)]
    pub json: bool,
    /// Stop after this many products.
    #[arg(long)]
    pub max_results: Option<u32>,
    /// Draft negotiation emails for the best vendors.
    #[arg(long)]
    pub negotiate: bool,
    /// With --negotiate: how many of the best vendors get a draft (default 3).
    #[arg(long, requires = "negotiate", value_name = "N")]
    pub max_vendors: Option<u32>,
    /// Search only these vendor sources (repeatable).
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// List the sources.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a source, or replace the one with the same name.
    Add {
        name: String,
        /// The shop's home page.
        #[arg(long)]
        base_url: String,
        /// A search URL with {query} where the words go.
        #[arg(long)]
        search_url: String,
        /// CSS selector for product links on result pages.
        #[arg(long)]
        result_selector: Option<String>,
        /// CSS selector for the next-page link.
        #[arg(long)]
        next_selector: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// ISO 4217 code for prices that name none.
        #[arg(long)]
        currency: Option<String>,
        /// Pages of this shop open at once.
        #[arg(long, default_value_t = 1)]
        concurrent_pages: u32,
        /// Pause between page loads, in milliseconds.
        #[arg(long, default_value_t = 0)]
        delay_ms: u64,
        /// Ignore the shop's robots.txt.
        #[arg(long)]
        ignore_robots: bool,
    },
    /// Remove a source.
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Operators of your organization.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Allow a unix uid to use Procura.
    Add {
        name: String,
        #[arg(long)]
        uid: u32,
        /// viewer, operator, approver or admin.
        #[arg(long)]
        role: Role,
    },
    /// List operators.
    List {
        #[arg(long)]
        json: bool,
    },
}

/// Runs one subcommand; returns the process exit code.
pub async fn run(socket: Option<PathBuf>, command: Command) -> anyhow::Result<i32> {
    let path = client_socket_path(socket.as_deref());
    let Connection { client, .. } = connect(&path).await?;
    let ctx = || context_with_timeout(CALL_TIMEOUT);
    match command {
        Command::Search(args) => search(&client, &path, args).await,
        Command::Jobs {
            json,
            status,
            limit,
        } => {
            let filter = JobFilter {
                status,
                limit: Some(limit),
            };
            let jobs = client.list_jobs(ctx(), filter).await??;
            if json {
                output::print_json(&jobs)?;
            } else {
                output::print_jobs(&jobs, chrono::Utc::now());
            }
            Ok(0)
        }
        Command::Show { job, json } => {
            let id = resolve_job(&client, &job).await?;
            let job = client.job_detail(ctx(), id).await??;
            if json {
                output::print_json(&job)?;
            } else {
                output::print_job(&job);
            }
            Ok(0)
        }
        Command::Logs {
            job,
            follow,
            json,
            after,
        } => {
            let id = resolve_job(&client, &job).await?;
            follow_logs(client, &path, id, after, follow, &mut |e| {
                output::print_entry(e, json)
            })
            .await?;
            Ok(0)
        }
        Command::Products { job, json } => {
            let id = resolve_job(&client, &job).await?;
            let products = client.list_products(ctx(), id).await??;
            if json {
                output::print_json(&products)?;
            } else {
                output::print_products(&products);
            }
            Ok(0)
        }
        Command::Find(args) => {
            let job = match &args.job {
                Some(job) => Some(resolve_job(&client, job).await?),
                None => None,
            };
            find::find(&client, args, job, ctx).await
        }
        Command::Shortlist { job, json } => {
            let id = resolve_job(&client, &job).await?;
            let shortlist = client.shortlist(ctx(), id).await??;
            if json {
                output::print_json(&shortlist.entries)?;
            } else {
                find::print_shortlist(&shortlist);
            }
            Ok(0)
        }
        Command::Usage(args) => {
            let job = match &args.job {
                Some(job) => Some(resolve_job(&client, job).await?),
                None => None,
            };
            let report = client.usage(ctx(), args.query(job)).await??;
            usage::print(&args, &report)?;
            Ok(0)
        }
        Command::Sources { command } => sources(&client, command).await,
        Command::Outbox(args) => outbox::run(&client, args).await,
        Command::Negotiation(command) => {
            let job = match &command {
                negotiations::NegotiationCommand::Negotiations { job: Some(job), .. } => {
                    Some(resolve_job(&client, job).await?)
                }
                _ => None,
            };
            negotiations::run(&client, command, job).await
        }
        Command::Approval(command) => {
            let job = match &command {
                approvals::ApprovalCommand::Approvals { job: Some(job), .. } => {
                    Some(resolve_job(&client, job).await?)
                }
                _ => None,
            };
            approvals::run(&client, command, job).await
        }
        Command::Cancel { job } => {
            let id = resolve_job(&client, &job).await?;
            let job = client.cancel_job(ctx(), id).await??;
            println!("{} {}", job.id, output::status_word(&job));
            Ok(0)
        }
        Command::Retry { job } => {
            let id = resolve_job(&client, &job).await?;
            let job = client.retry_job(ctx(), id).await??;
            println!("{} {}", job.id, job.status);
            Ok(0)
        }
        Command::Status { json } => {
            let status = client.status(ctx()).await??;
            if json {
                output::print_json(&status)?;
            } else {
                output::print_status(&status);
            }
            Ok(0)
        }
        Command::Admin {
            command: AdminCommand::Users { command },
        } => match command {
            UsersCommand::Add { name, uid, role } => {
                let user = client
                    .add_user(ctx(), NewUser { name, uid, role })
                    .await??;
                println!("added {} (uid {uid}) as {}", user.name, user.role);
                Ok(0)
            }
            UsersCommand::List { json } => {
                let users = client.list_users(ctx()).await??;
                if json {
                    output::print_json(&users)?;
                } else {
                    output::print_users(&users);
                }
                Ok(0)
            }
        },
    }
}

async fn search(
    client: &ProcuraClient,
    path: &std::path::Path,
    args: SearchArgs,
) -> anyhow::Result<i32> {
    let submit = SubmitSearch {
        request: args.text.join(" "),
        max_results: args.max_results,
        enable_negotiation: args.negotiate,
        max_vendors: args.max_vendors,
        sources: args.sources,
    };
    let job = client
        .submit_search(context_with_timeout(CALL_TIMEOUT), submit)
        .await??;
    if !args.wait {
        if args.json {
            output::print_json(&job)?;
        } else {
            println!("queued job {}", job.id);
        }
        return Ok(0);
    }
    let json = args.json;
    let client = follow_logs(client.clone(), path, job.id, 0, true, &mut |e| {
        if !json {
            output::print_entry(e, false);
        }
    })
    .await?;
    let job = client
        .job_detail(context_with_timeout(CALL_TIMEOUT), job.id)
        .await??;
    if json {
        output::print_json(&job)?;
    } else {
        output::print_job(&job);
    }
    Ok(if job.status == JobStatus::Succeeded {
        0
    } else {
        2
    })
}

async fn sources(client: &ProcuraClient, command: SourcesCommand) -> anyhow::Result<i32> {
    let ctx = || context_with_timeout(CALL_TIMEOUT);
    match command {
        SourcesCommand::List { json } => {
            let sources = client.list_sources(ctx()).await??;
            if json {
                output::print_json(&sources)?;
            } else {
                output::print_sources(&sources);
            }
        }
        SourcesCommand::Add {
            name,
            base_url,
            search_url,
            result_selector,
            next_selector,
            email,
            currency,
            concurrent_pages,
            delay_ms,
            ignore_robots,
        } => {
            let source = Source {
                name,
                base_url,
                search_url,
                result_selector,
                next_selector,
                contact_email: email,
                currency,
                politeness: Politeness {
                    concurrent_pages,
                    delay_ms,
                },
                robots: !ignore_robots,
            };
            let added = client.add_source(ctx(), source).await??;
            println!("added source {}", added.name);
        }
        SourcesCommand::Remove { name } => {
            client.remove_source(ctx(), name.clone()).await??;
            println!("removed source {name}");
        }
    }
    Ok(0)
}

/// Accepts a full job id or a unique prefix of one.
async fn resolve_job(client: &ProcuraClient, text: &str) -> anyhow::Result<JobId> {
    if let Ok(id) = text.parse::<JobId>() {
        return Ok(id);
    }
    let prefix = text.trim().to_ascii_lowercase();
    if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        bail!("{text:?} is not a job id (give the id, or at least its first 4 characters)");
    }
    let jobs = client
        .list_jobs(
            context_with_timeout(CALL_TIMEOUT),
            JobFilter {
                status: None,
                limit: Some(10_000),
            },
        )
        .await
        .context("listing jobs to resolve the id")??;
    let matches: Vec<JobId> = jobs
        .iter()
        .map(|j| j.id)
        .filter(|id| id.to_string().starts_with(&prefix))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => bail!("no job id starts with {prefix}"),
        many => bail!(
            "{} jobs start with {prefix}; give more characters",
            many.len()
        ),
    }
}
