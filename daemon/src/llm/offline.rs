//! The offline provider: the [`Llm`] tasks without a network, each
//! deterministic. It plans with the plan parser, reads a price from a
//! page's text with the extractor's price finder, drafts from the template and reads replies with rules
//! (`procura_llm::offline`). Its answers carry no usage: nothing is spent.

use chrono::NaiveDate;
use futures::future::BoxFuture;
use procura_llm::{
    Answer, DraftBrief, DraftEmail, Llm, LlmError, PageEvidence, PageFields, ReplyEvidence,
    ReplyOffer, SearchSpec,
};

use crate::agent::plan::parser::parse_request;

/// What `Models` falls back to when no endpoint is configured or the model
/// cannot answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineProvider;

fn answer<T>(value: T) -> Answer<T> {
    Answer {
        value,
        usage: None,
        rejected: Vec::new(),
    }
}

impl OfflineProvider {
    /// Reads a price from the page's text when the text shows exactly one
    /// amount with a currency (several different ones are a listing, a
    /// range or "was/now", which rules cannot tell apart). The name stays
    /// unread: text alone does not say which line is the product's.
    fn read_text(page: &PageEvidence) -> PageFields {
        let found = procura_extract::price::find_prices(&page.visible_text, None);
        let mut marked = found.iter().filter(|p| p.explicit_currency);
        let price = match marked.next() {
            Some(first) if marked.all(|p| p.money == first.money) => Some(first.money.clone()),
            _ => None,
        };
        PageFields {
            price: price.as_ref().map(|m| m.amount),
            currency: price.and_then(|m| m.currency),
            ..PageFields::default()
        }
    }
}

impl Llm for OfflineProvider {
    fn plan<'a>(
        &'a self,
        request_text: &'a str,
        today: NaiveDate,
    ) -> BoxFuture<'a, Result<Answer<SearchSpec>, LlmError>> {
        Box::pin(async move { Ok(answer(parse_request(request_text, today).spec)) })
    }

    fn read_page<'a>(
        &'a self,
        page: &'a PageEvidence,
    ) -> BoxFuture<'a, Result<Answer<PageFields>, LlmError>> {
        Box::pin(async move { Ok(answer(Self::read_text(page))) })
    }

    fn draft<'a>(
        &'a self,
        brief: &'a DraftBrief,
    ) -> BoxFuture<'a, Result<Answer<DraftEmail>, LlmError>> {
        Box::pin(async move { Ok(answer(procura_llm::offline::draft(brief))) })
    }

    fn read_reply<'a>(
        &'a self,
        reply: &'a ReplyEvidence,
    ) -> BoxFuture<'a, Result<Answer<ReplyOffer>, LlmError>> {
        Box::pin(async move { Ok(answer(procura_llm::offline::read_reply(reply))) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use procura_llm::DraftProduct;
    use rust_decimal::Decimal;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn every_task_answers_without_a_network_and_spends_nothing() {
        let llm: &dyn Llm = &OfflineProvider;
        let plan = llm
            .plan(
                "20 ergonomic office chairs under 300 EUR each by 15 Dec",
                day("2026-11-26"),
            )
            .await
            .unwrap();
        assert_eq!(plan.value.quantity, Some(20));
        assert_eq!(plan.value.deadline, Some(day("2026-12-15")));
        assert!(plan.usage.is_none());

        let page = PageEvidence {
            url: "http://shop.example/p/1".into(),
            visible_text: "Aeron Remastered Chair Today only 249.90 EUR incl. VAT, 249.90 EUR"
                .into(),
            screenshot_png: None,
        };
        let read = llm.read_page(&page).await.unwrap().value;
        assert_eq!(read.price, Some(Decimal::new(24990, 2)), "{read:?}");
        assert_eq!(read.currency.as_deref(), Some("EUR"));
        let listing = PageEvidence {
            visible_text: "Chair A 249.90 EUR Chair B 199.00 EUR".into(),
            ..page
        };
        assert_eq!(llm.read_page(&listing).await.unwrap().value.price, None);

        let brief = DraftBrief {
            vendor: "Thames Office".into(),
            products: vec![DraftProduct {
                title: "Kite Task Chair".into(),
                url: "http://shop.example/p/kite".into(),
                unit_price: Decimal::new(29900, 2),
                currency: "EUR".into(),
            }],
            quantity: 20,
            target_unit_price: Some(Decimal::new(26910, 2)),
            currency: "EUR".into(),
            deadline: Some(day("2026-12-15")),
            buyer_org: "Acme".into(),
        };
        let email = llm.draft(&brief).await.unwrap().value;
        assert!(
            email.body.contains("http://shop.example/p/kite"),
            "{}",
            email.body
        );
        assert!(email.body.contains("269.10 EUR"), "{}", email.body);

        let reply = ReplyEvidence {
            subject: "Re: Request for quote".into(),
            body: "Hello, we can offer 259.00 EUR per unit for 20 units, delivery by 10 December 2026.".into(),
            received_on: day("2026-11-27"),
        };
        let offer = llm.read_reply(&reply).await.unwrap().value;
        assert_eq!(offer.unit_price, Some(Decimal::new(25900, 2)), "{offer:?}");
        assert_eq!(offer.quantity, Some(20));
        assert_eq!(offer.delivery_date, Some(day("2026-12-10")));
    }
}
