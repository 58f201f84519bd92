//! The pest parser generated from `grammar/deal.pest`.

#![allow(missing_docs)]

use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "grammar/deal.pest"]
pub(crate) struct DealParser;

/// Keywords and punctuation are named rules so errors can name them; the lowering skips them.
pub(crate) fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::AS
            | Rule::OF
            | Rule::PARTY
            | Rule::PART
            | Rule::ASSET
            | Rule::ACTION
            | Rule::CHANNEL
            | Rule::EVENT
            | Rule::EXPECTED
            | Rule::DEAL
            | Rule::BETWEEN
            | Rule::AND
            | Rule::STATUS
            | Rule::SIGNED
            | Rule::ANNOUNCED
            | Rule::REPORTED
            | Rule::PROPOSED
            | Rule::TERMINATED
            | Rule::TERMINATE
            | Rule::DATED
            | Rule::SOURCE
            | Rule::INVEST
            | Rule::INVESTED
            | Rule::FROM
            | Rule::IN
            | Rule::AT
            | Rule::VALUATION
            | Rule::PAY
            | Rule::PAID
            | Rule::TO
            | Rule::FOR
            | Rule::LEASE
            | Rule::SUPPLY
            | Rule::WORTH
            | Rule::GRANT
            | Rule::MAY
            | Rule::VIA
            | Rule::EXCLUSIVE
            | Rule::SOLE
            | Rule::FORBID
            | Rule::EVERYONE
            | Rule::EXCEPT
            | Rule::UNTIL
            | Rule::DURING
            | Rule::SOMETIME
            | Rule::START
            | Rule::END
            | Rule::EARLIEST
            | Rule::LATEST
            | Rule::RULE
            | Rule::ASSUMING
            | Rule::ASK
            | Rule::EXPECT
            | Rule::ASSERT
            | Rule::OR
            | Rule::NOT
            | Rule::YES
            | Rule::NO
            | Rule::UNKNOWN
            | Rule::CAN
            | Rule::ALWAYS
            | Rule::ACTIVE
            | Rule::BEFORE
            | Rule::AFTER
            | Rule::ON
            | Rule::FLOW
            | Rule::ROUNDTRIP
            | Rule::UNDISCLOSED
            | Rule::UP
            | Rule::LEAST
            | Rule::THOUSAND
            | Rule::MILLION
            | Rule::BILLION
            | Rule::TRILLION
            | Rule::YEARS
            | Rule::YEAR
            | Rule::MONTHS
            | Rule::MONTH
            | Rule::WEEKS
            | Rule::WEEK
            | Rule::DAYS
            | Rule::DAY
            | Rule::OPEN
            | Rule::CLOSE
            | Rule::COMMA
    )
}
