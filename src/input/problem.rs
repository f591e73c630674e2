//! What a reader could not read, as data. A reader says what is wrong and where; the rule of
//! the format (`invalid-http`, `invalid-har`, ...) puts it into words, so readers know nothing
//! of rules, messages or severities.

use crate::direction::Direction;
use crate::json::ParseError;
use crate::pointer::JsonPointer;
use crate::source::Span;

/// One thing a reader could not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// Where it is in the file.
    pub span: Span,
    /// Where it is in the file's JSON (HAR, NDJSON); the root for other formats.
    pub pointer: JsonPointer,
    /// The message it belongs to, when the reader knows (a HAR entry's request or response);
    /// otherwise the message it lies in.
    pub payload: Option<usize>,
    /// The direction of that message, when the reader knows it.
    pub direction: Option<Direction>,
}

impl Problem {
    /// A problem at `span`, pointer at the root, of no particular message.
    pub fn at(span: Span, kind: ProblemKind) -> Problem {
        Problem {
            kind,
            span,
            pointer: JsonPointer::root(),
            payload: None,
            direction: None,
        }
    }

    /// The file's bytes are not UTF-8 text; `offset` is the first bad byte.
    pub fn encoding(offset: usize, encoding: Encoding) -> Problem {
        Problem::at(
            Span::new(offset, offset + 1),
            ProblemKind::Encoding(encoding),
        )
    }

    /// The text is not JSON.
    pub fn json(error: ParseError) -> Problem {
        Problem::at(
            Span::new(error.offset, error.offset + 1),
            ProblemKind::Json(error),
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// A format that is JSON (HAR) does not parse.
    Json(ParseError),
    /// The bytes are not UTF-8 text.
    Encoding(Encoding),
    Http(HttpProblem),
    Markdown(MarkdownProblem),
    Har(HarProblem),
    Exchange(ExchangeProblem),
}

/// What bytes that are not UTF-8 text look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16 text (a byte order mark, or a NUL in every other byte).
    Utf16,
    /// Binary data (NUL bytes).
    Binary,
    /// Some other encoding, or broken UTF-8.
    NotUtf8,
}

/// A block of a transcript that is not an HTTP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpProblem {
    /// Header lines with no request or status line before them.
    HeadersWithoutStartLine,
    /// A line that starts no message.
    NotAStartLine,
}

/// An example of an API doc that cannot be read as intended.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkdownProblem {
    /// `<!-- {` with no `-->`: the rest of the doc is inside the comment.
    UnclosedAnnotation,
    /// The annotation's JSON does not parse (the parser's message).
    AnnotationNotJson { message: String },
    /// `blockType` is there but not a string.
    BlockTypeNotAString,
    /// The annotated fence is never closed.
    UnclosedFence { direction: Direction },
    /// The annotation was read with apidoctor's leniency (`what`: a trailing comma, a key
    /// without quotes, a line break inside a string).
    AnnotationLenient { what: &'static str },
    /// A block marked `response` holds a request.
    ResponseHoldsRequest,
    /// A JSON block with no annotation, and no message right before it whose body it could
    /// be, in a doc that annotates its examples: not checked.
    UnannotatedJson,
    /// A fence that says it holds HTTP (` ```http `) holds a body but no message, in a doc that
    /// annotates its examples: not checked.
    NoHttpMessage,
}

/// A HAR capture that lacks what paylint reads, or has it in the wrong form.
#[derive(Debug, Clone, PartialEq)]
pub enum HarProblem {
    /// The top level is not an object (`found` is the JSON type, "an array").
    NotAnObject {
        found: &'static str,
    },
    NoLog,
    LogNotAnObject {
        found: &'static str,
    },
    NoEntries,
    EntriesNotAnArray {
        found: &'static str,
    },
    EntryNotAnObject {
        found: &'static str,
    },
    NoRequest,
    NoResponse,
    NoStatus,
    /// `status` is a number but no HTTP status (nor 0).
    BadStatus {
        number: String,
    },
    /// `parent` has no `key` (`request` has no `method`).
    Missing {
        parent: String,
        key: &'static str,
    },
    /// `key` is an empty string.
    Empty {
        key: &'static str,
    },
    /// `key` is there, of the wrong JSON type.
    Mistyped {
        key: String,
        expected: HarValue,
        found: &'static str,
    },
    /// A `headers` item without a string `name` and `value`.
    BadHeader,
    /// `encoding` is `base64` but the text is not.
    NotBase64,
    /// The base64 decodes to bytes that are not UTF-8; `offset` is the first bad byte.
    DecodedNotUtf8 {
        offset: usize,
    },
    UnknownEncoding {
        encoding: String,
    },
}

/// What a HAR field must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HarValue {
    Object,
    String,
    Number,
    /// An array of `{"name": …, "value": …}` objects.
    Headers,
}

/// A field of an NDJSON exchange object of the wrong kind.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeProblem {
    pub field: String,
    pub expected: ExchangeValue,
}

/// What an exchange field must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeValue {
    /// `method`, `url`.
    String,
    /// `status`: 100 to 599.
    Status,
    /// `headers` as an object.
    HeaderObject,
    /// `headers` as an array.
    HeaderArray,
    /// `direction`.
    Direction,
    /// `truncated`.
    Boolean,
}

/// Why a file, a folder or a line of a stream could not be read (`unreadable-file`).
#[derive(Debug, Clone, PartialEq)]
pub enum Unreadable {
    /// A path named on the command line that is a device, FIFO or socket.
    NotARegularFile,
    /// The file could not be opened.
    Open(IoFailure),
    /// Larger than `--max-file-size`: not read.
    TooLarge { len: u64, limit: u64 },
    /// Reading the file failed.
    Read(IoFailure),
    /// The file grew past the limit while it was read.
    Grew { limit: u64 },
    /// A line of a stream is longer than the limit (`line` is its 1-based number).
    LineTooLong { line: usize, limit: usize },
    /// Reading a line of a stream failed.
    Line { line: usize, failure: IoFailure },
    /// A symbolic link under a walked folder leads back to `ancestor`.
    LinkLoop { ancestor: std::path::PathBuf },
    /// A folder could not be read.
    Folder(IoFailure),
    /// Walking a folder failed otherwise (the walker's words).
    Walk { message: String },
    /// `--fix` could not write the fixed file (it is unchanged).
    FixesNotWritten(IoFailure),
    /// The body file a transcript names (`< ./body.json`) could not be read (`cause`), or is
    /// not UTF-8 text (`cause` is `None`).
    BodyFile {
        path: String,
        cause: Option<Box<Unreadable>>,
    },
}

/// An I/O error as data: its kind, which decides what to advise, and the system's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoFailure {
    pub kind: std::io::ErrorKind,
    pub text: String,
}

impl From<&std::io::Error> for IoFailure {
    fn from(e: &std::io::Error) -> IoFailure {
        IoFailure {
            kind: e.kind(),
            text: e.to_string(),
        }
    }
}

impl std::fmt::Display for IoFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}
