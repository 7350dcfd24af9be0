"""The English wording of every import problem, kept in one place; chat translates it through the
catalogs (`N_` marks each for `make i18n`), the CLI, the inbox and logs print it as it is."""

from __future__ import annotations

from creatorbot.storage.importers.said import N_

# Problems with one value.
REQUIRED = N_("a value is required")
TOO_LONG = N_("longer than {limit} characters")
NOT_A_DATE = N_("expected a date as YYYY-MM-DD")
DATE_OUT_OF_RANGE = N_("expected a date between {first} and {last}")
DATE_TOO_EARLY = N_("expected a date from {first} on")
DATE_IN_FUTURE = N_(
    "a day that has not come yet: expected a date between {first} and {last} (tomorrow in {zone})"
)
NOT_POSITIVE = N_("expected a value greater than 0")
ZERO_THRESHOLD = N_("the tier “{tier}” has a threshold of 0; every threshold is greater than 0")
CONTROL_CHARACTER = N_(
    "contains a control character (NUL, a line break, a tab or another invisible code); remove it"
)
ONLY_MARKUP = N_("nothing is left once chat mentions and markup (@here, <!channel>, <at …>) go")
NOT_A_COUNT = N_("expected a whole number ≥ 0")
COUNT_TOO_LARGE = N_("expected a whole number ≤ {limit:,}")
NOT_AN_AMOUNT = N_("expected an amount ≥ 0 with at most {decimals} decimals")
AMOUNT_TOO_LARGE = N_("expected an amount below {limit:,}")
NOT_A_CHOICE = N_("expected one of: {choices}")
BAD_REWARD_TIERS = N_(
    "expected reward tiers like 5000:100;20000:500 "
    "(reach:reward, amounts ≥ 0 with at most {decimals} decimals)"
)
REPEATED_THRESHOLD = N_("the threshold {threshold} appears more than once")
BAD_REWARD_BANDS = N_(
    "expected prizes by rank like 1-3:500;4-10:200 "
    "(ranks:reward, amounts > 0 with at most {decimals} decimals)"
)
OVERLAPPING_BANDS = N_("the ranks {band} are in two prizes")

# Problems with what a value refers to.
UNKNOWN_MARKET = N_("unknown market; known markets are {known}")
UNKNOWN_CREATOR = N_("no creator with this handle in market {market}")
UNKNOWN_CREATOR_LIKE = N_("no creator with this handle in market {market}; did you mean {handles}?")
LOOK_ALIKE_STORED = N_(
    "market {market} already has the creator “{handle}”, the same handle up to case or "
    "invisible characters; write it exactly as stored"
)
UNKNOWN_CAMPAIGN = N_("no campaign with this slug")

# Problems spanning several values or rows.
DUPLICATE_KEY = N_("same {key} as row {first}; each may appear only once in a file")
LOOK_ALIKE_IN_FILE = N_(
    "the same handle as row {first} (“{handle}”) up to case or invisible characters; "
    "write each creator's handle one way"
)
ENDS_BEFORE_START = N_("ends before starts_on ({starts})")
CAMPAIGN_TOO_LONG = N_("the campaign lasts {days:,} days; a campaign lasts at most {limit} days")

# Problems with the file itself.
MISSING_COLUMN = N_("required column is missing (the header has: {found})")
REPEATED_COLUMN = N_("the column appears more than once in the header")
EMPTY_FILE = N_("the file is empty; expected a header row")
NO_ROWS = N_("the file has a header but no data rows")
NOT_UTF8 = N_(
    "the file isn't UTF-8 (byte {byte} at position {position} of this line); "
    "save it as UTF-8 and import it again"
)
TOO_MANY_VALUES = N_("this row has more values than the header has columns")
UNREADABLE_CSV = N_("the file could not be read as CSV: {reason}")
UNKNOWN_EXTENSION = N_(
    "unsupported file type; expected a .csv, .tsv, .txt (tab-separated) or .xlsx file"
)
NOT_XLSX = N_("not a readable .xlsx workbook")
FILE_TOO_LARGE = N_("the file is {size}; at most {limit} is imported (split it by day or market)")
TOO_MANY_ROWS = N_("the file has more than {limit:,} rows; split it by day or market")
TOO_MANY_COLUMNS = N_("{count:,} columns; a file has at most {limit} columns")
FAR_CELL = N_(
    "the sheet claims cells up to {cell} ({rows:,} rows, {columns:,} columns); "
    "a sheet has at most {row_limit:,} rows and {column_limit} columns"
)
ROW_TOO_LONG = N_(
    "a row of the sheet is larger than {limit}; a row holds at most {columns} columns"
)
BROKEN_ZIP = N_("not a readable .xlsx workbook: the zip archive is damaged ({reason})")
ZIP_BOMB = N_(
    "not a plausible .xlsx workbook: {part} would unpack to {size} "
    "({ratio:,.0f} times its packed size); refused"
)
ZIP_TOO_LARGE = N_(
    "not a plausible .xlsx workbook: {part} would unpack to {size}, more than {limit}"
)
ZIP_ENTRIES = N_(
    "not a plausible .xlsx workbook: {count:,} parts in the archive, at most {limit:,}"
)
XML_ENTITIES = N_(
    'the workbook\'s XML declares entities or a DTD (an "XML bomb" does); '
    "refused: save it again from Excel"
)
BAD_XML = N_("not a readable .xlsx workbook: its XML is malformed ({reason})")
NOT_UTF16 = N_("the file starts as UTF-16 text but is not; save it again and import it")
NEAREST_KIND = N_(
    "the header matches no kind of file creatorbot knows; it is nearest to {kind}, which also "
    "needs the columns {missing}; if they are named differently, an admin can map them in "
    "CREATORBOT_COLUMN_MAP"
)
UNKNOWN_KIND = N_(
    "the header matches no kind of file creatorbot knows (the canonical creators, "
    "daily_metrics, campaigns, enrollments, tiers, slot_metrics; or a TikTok Shop creator "
    "performance, LIVE analytics, video analytics or affiliate orders export); if its columns "
    "are named differently, an admin can map them in CREATORBOT_COLUMN_MAP"
)

BUSY = N_(
    "another import was still being written after {minutes} minutes; "
    "nothing was imported, run this one again"
)

# How a failed import is summarized.
SUMMARY_ONE = N_("{source}: 1 problem, nothing was imported")
SUMMARY_MANY = N_("{source}: {count:,} problems, nothing was imported")
AND_MORE = N_("… and {count:,} more")
DISK_FULL = N_(
    "{source}: the disk is full, nothing was imported (the database is as it was before).\n"
    "Free some space on {disk}, then run the same import again."
)
UNREACHABLE = N_(
    "{source}: the database could not be reached, nothing was imported ({reason}).\n"
    "Check that it is running and that DATABASE_URL points at it, then run the same import again."
)
SQLITE_DISK = N_("the disk that holds {path}")
SERVER_DISK = N_("the database server's disk")
WHOLE_FILE = N_("file")
ROW = N_("row {row}")
COLUMN = N_(", column {column}")

# Native exports.
SEVERAL_DAYS = N_(
    "the export covers {first} to {last} (its {where}); daily figures need an export of one "
    "day: export each day on its own and import them one by one"
)
ROW_SEVERAL_DAYS = N_(
    "this row covers several days; daily figures need an export of one day: export each day "
    "on its own and import them one by one"
)
BAD_FILE_DAY = N_("the {where} names {day}, which is not a date")
NO_DAY = N_(
    "the export says which day it is for nowhere (no date column, date range line or date in "
    "the file name); pass the day: --day YYYY-MM-DD"
)
NO_MARKET = N_(
    "the export does not say which market it is for; pass it with --market (one of {known}) "
    "or set CREATORBOT_DEFAULT_MARKET"
)
OTHER_CURRENCY = N_("market {market} counts in {currency}, but the export's amounts are in {seen}")
NOT_A_DURATION = N_("expected a duration such as 01:23:05, 1h 23m or 83 (minutes)")
OTHER_ROW_CURRENCY = N_("this order is in {currency}; market {market} counts in {expected}")
REPEATED_ORDER = N_("the same order id as row {first}; each order may appear only once")
# Problems of a warehouse sync.
OTHER_MARKET = N_("the sync is for market {market}; this row is of another market")
SYNC_NOT_READ = N_("{source}: the warehouse could not be read, nothing was imported ({reason})")
SYNC_NO_ROWS = N_("{source}: the query returned no rows for {day}, nothing was imported")

# Parts of other messages.
MEGABYTES = N_("{size:,.0f} MB")
GIGABYTES = N_("{size:,.1f} GB")
# Where a native export's day was read from (also shown in the preview).
DAY_FROM_DATE_COLUMN = N_("date column")
DAY_FROM_RANGE_LINE = N_("date range line")
DAY_FROM_FILE_NAME = N_("file name")
DAY_FROM_OPTION = N_("--day option")
# How a native export's market was known.
MARKET_GIVEN = N_("given")
MARKET_INFERRED = N_("inferred from the currency")
