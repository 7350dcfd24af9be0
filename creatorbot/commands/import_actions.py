"""The actions of an import preview's buttons (their value is the staged file's token, a dot and
the market the preview read it for, "" when the file names it): what the platforms route, apart
from the import path (pandas), which loads with the first file."""

IMPORT = "import"
CANCEL = "import_cancel"
