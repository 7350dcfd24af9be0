"""The English wording of every import problem, kept in one place so it can be localized."""

from __future__ import annotations

# Problems with one value.
REQUIRED = "a value is required"
TOO_LONG = "longer than {limit} characters"
NOT_A_DATE = "expected a date as YYYY-MM-DD"
DATE_OUT_OF_RANGE = "expected a date between {first} and {last}"
NOT_A_COUNT = "expected a whole number ≥ 0"
COUNT_TOO_LARGE = "expected a whole number ≤ {limit:,}"
NOT_AN_AMOUNT = "expected an amount ≥ 0 with at most {decimals} decimals"
AMOUNT_TOO_LARGE = "expected an amount below {limit:,}"
NOT_A_CHOICE = "expected one of: {choices}"
BAD_REWARD_TIERS = (
    "expected reward tiers like 5000:100;20000:500 "
    "(reach:reward, amounts ≥ 0 with at most {decimals} decimals)"
)
REPEATED_THRESHOLD = "the threshold {threshold} appears more than once"

# Problems with what a value refers to.
UNKNOWN_MARKET = "unknown market; known markets are {known}"
UNKNOWN_CREATOR = "no creator with this handle in market {market}"
UNKNOWN_CREATOR_LIKE = UNKNOWN_CREATOR + "; did you mean {handles}?"
LOOK_ALIKE_STORED = (
    "market {market} already has the creator “{handle}”, the same handle up to case or "
    "invisible characters; write it exactly as stored"
)
UNKNOWN_CAMPAIGN = "no campaign with this slug"

# Problems spanning several values or rows.
DUPLICATE_KEY = "same {key} as row {first}; each may appear only once in a file"
LOOK_ALIKE_IN_FILE = (
    "the same handle as row {first} (“{handle}”) up to case or invisible characters; "
    "write each creator's handle one way"
)
ENDS_BEFORE_START = "ends before starts_on ({starts})"
CAMPAIGN_TOO_LONG = "the campaign lasts {days:,} days; a campaign lasts at most {limit} days"

# Problems with the file itself.
MISSING_COLUMN = "required column is missing (the header has: {found})"
REPEATED_COLUMN = "the column appears more than once in the header"
EMPTY_FILE = "the file is empty; expected a header row"
NO_ROWS = "the file has a header but no data rows"
NOT_UTF8 = (
    "the file isn't UTF-8 (byte {byte} at position {position} of this line); "
    "save it as UTF-8 and import it again"
)
TOO_MANY_VALUES = "this row has more values than the header has columns"
UNREADABLE_CSV = "the file could not be read as CSV: {reason}"
UNKNOWN_EXTENSION = "unsupported file type; expected a .csv or .xlsx file"
NOT_XLSX = "not a readable .xlsx workbook"
UNKNOWN_KIND = (
    "the header matches no kind of file creatorbot knows; name the kind: "
    "creatorbot import KIND FILE"
)

# How a failed import is summarized.
SUMMARY_ONE = "{source}: 1 problem, nothing was imported"
SUMMARY_MANY = "{source}: {count:,} problems, nothing was imported"
AND_MORE = "… and {count:,} more"
DISK_FULL = (
    "{source}: the disk is full, nothing was imported (the database is as it was before).\n"
    "Free some space on {disk}, then run the same import again."
)
UNREACHABLE = (
    "{source}: the database could not be reached, nothing was imported ({reason}).\n"
    "Check that it is running and that DATABASE_URL points at it, then run the same import again."
)
SQLITE_DISK = "the disk that holds {path}"
SERVER_DISK = "the database server's disk"
WHOLE_FILE = "file"
ROW = "row {row}"
OR = " or "
COLUMN = ", column {column}"

# Problems of a warehouse sync.
OTHER_MARKET = "the sync is for market {market}; this row is of another market"
SYNC_NOT_READ = "{source}: the warehouse could not be read, nothing was imported ({reason})"
SYNC_NO_ROWS = "{source}: the query returned no rows for {day}, nothing was imported"
