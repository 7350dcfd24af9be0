"""The English wording of every import problem, kept in one place so it can be localized."""

from __future__ import annotations

# Problems with one value.
REQUIRED = "a value is required"
TOO_LONG = "longer than {limit} characters"
NOT_A_DATE = "expected a date as YYYY-MM-DD"
DATE_OUT_OF_RANGE = "expected a date between {first} and {last}"
DATE_TOO_EARLY = "expected a date from {first} on"
DATE_IN_FUTURE = (
    "a day that has not come yet: expected a date between {first} and {last} (tomorrow in {zone})"
)
NOT_POSITIVE = "expected a value greater than 0"
ZERO_THRESHOLD = "the tier “{tier}” has a threshold of 0; every threshold is greater than 0"
CONTROL_CHARACTER = (
    "contains a control character (NUL, a line break, a tab or another invisible code); remove it"
)
ONLY_MARKUP = "nothing is left once chat mentions and markup (@here, <!channel>, <at …>) go"
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
UNKNOWN_EXTENSION = (
    "unsupported file type; expected a .csv, .tsv, .txt (tab-separated) or .xlsx file"
)
NOT_XLSX = "not a readable .xlsx workbook"
FILE_TOO_LARGE = "the file is {size}; at most {limit} is imported (split it by day or market)"
TOO_MANY_ROWS = "the file has more than {limit:,} rows; split it by day or market"
TOO_MANY_COLUMNS = "{count:,} columns; a file has at most {limit} columns"
FAR_CELL = (
    "the sheet claims cells up to {cell} ({rows:,} rows, {columns:,} columns); "
    "a sheet has at most {row_limit:,} rows and {column_limit} columns"
)
ROW_TOO_LONG = "a row of the sheet is larger than {limit}; a row holds at most {columns} columns"
BROKEN_ZIP = "not a readable .xlsx workbook: the zip archive is damaged ({reason})"
ZIP_BOMB = (
    "not a plausible .xlsx workbook: {part} would unpack to {size} "
    "({ratio:,.0f} times its packed size); refused"
)
ZIP_TOO_LARGE = "not a plausible .xlsx workbook: {part} would unpack to {size}, more than {limit}"
ZIP_ENTRIES = "not a plausible .xlsx workbook: {count:,} parts in the archive, at most {limit:,}"
XML_ENTITIES = (
    'the workbook\'s XML declares entities or a DTD (an "XML bomb" does); '
    "refused: save it again from Excel"
)
BAD_XML = "not a readable .xlsx workbook: its XML is malformed ({reason})"
NOT_UTF16 = "the file starts as UTF-16 text but is not; save it again and import it"
UNKNOWN_KIND = (
    "the header matches no kind of file creatorbot knows (the canonical creators, "
    "daily_metrics, campaigns, enrollments, tiers, slot_metrics; or a TikTok Shop creator "
    "performance, LIVE analytics, video analytics or affiliate orders export); if its columns "
    "are named differently, map them in CREATORBOT_COLUMN_MAP or name the kind: "
    "creatorbot import KIND FILE"
)

BUSY = (
    "another import was still being written after {minutes} minutes; "
    "nothing was imported, run this one again"
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

# Native exports.
SEVERAL_DAYS = (
    "the export covers {first} to {last} (its {where}); daily figures need an export of one "
    "day: export each day on its own and import them one by one"
)
ROW_SEVERAL_DAYS = (
    "this row covers several days; daily figures need an export of one day: export each day "
    "on its own and import them one by one"
)
BAD_FILE_DAY = "the {where} names {day}, which is not a date"
NO_DAY = (
    "the export says which day it is for nowhere (no date column, date range line or date in "
    "the file name); pass the day: --day YYYY-MM-DD"
)
NO_MARKET = (
    "the export does not say which market it is for; pass it with --market (one of {known}) "
    "or set CREATORBOT_DEFAULT_MARKET"
)
OTHER_CURRENCY = "market {market} counts in {currency}, but the export's amounts are in {seen}"
NOT_A_DURATION = "expected a duration such as 01:23:05, 1h 23m or 83 (minutes)"
OTHER_ROW_CURRENCY = "this order is in {currency}; market {market} counts in {expected}"
REPEATED_ORDER = "the same order id as row {first}; each order may appear only once"
# Problems of a warehouse sync.
OTHER_MARKET = "the sync is for market {market}; this row is of another market"
SYNC_NOT_READ = "{source}: the warehouse could not be read, nothing was imported ({reason})"
SYNC_NO_ROWS = "{source}: the query returned no rows for {day}, nothing was imported"
