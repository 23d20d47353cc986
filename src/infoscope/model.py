"""The typed data model of the ledger, in one place.

Every table is declared here once; Alembic migrations are checked against this metadata by the
test suite. Primary keys are deterministic strings derived from content (see ``infoscope.ids``),
so the same input gives the same ledger on any engine, and a ledger export re-imports exactly.

Timestamps are stored as naive UTC datetimes: SQLite keeps no time zone, and one convention for
both back ends keeps exports byte-identical.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SOURCE_KINDS = (
    "outlet",
    "agency",
    "government",
    "organisation",
    "community",
    "account",
    "dataset",
    "unknown",
)
EVENT_STATUSES = ("reported", "corroborated", "verified", "disputed", "rejected")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    """Current time as naive UTC, to the second (the ledger's timestamp convention)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class Source(Base):
    """Who published: an outlet, organisation, government body, account, or a dataset."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="unknown")
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str | None] = mapped_column(String(12))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    owner: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Document(Base):
    """One published text as it was ingested, with its raw bytes kept for provenance."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("source_id", "content_hash"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    origin: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    language: Mapped[str | None] = mapped_column(String(12), index=True)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    media_type: Mapped[str | None] = mapped_column(String(100))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Span(Base):
    """A stretch of a document's stored text: the evidence every extracted value points to."""

    __tablename__ = "spans"
    __table_args__ = (UniqueConstraint("document_id", "start", "end"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class Annotation(Base):
    """A value an annotator found in a span: a place, date, quantity, actor, claim, technique...

    ``layer`` names the annotator's output (place, date, quantity, actor, tally, claim,
    technique, tone); ``value`` holds the normalised value, so the raw quote is always the span.
    """

    __tablename__ = "annotations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    span_id: Mapped[str | None] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"), index=True)
    layer: Mapped[str] = mapped_column(String(30), index=True)
    label: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    annotator: Mapped[str | None] = mapped_column(String(100))


class Event(Base):
    """A ledger event: one real-world happening, with the values its sources gave.

    Registered and observed participant counts are kept apart, never merged; ``provenance``
    says where the event came from (a dataset row, a document mention, a contribution).
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_country_date", "country", "date_low"),
        Index("ix_events_type", "type", "subtype"),
        # the API lists events by (date, id) under each filter: these let it read pages in order
        Index("ix_events_date_id", "date", "id"),
        Index("ix_events_country_date_id", "country", "date", "id"),
        Index("ix_events_status_date_id", "status", "date", "id"),
        Index("ix_events_type_date_id", "type", "date", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    origin: Mapped[str] = mapped_column(String(20))  # import | document | contribution
    type: Mapped[str | None] = mapped_column(String(60))
    subtype: Mapped[str | None] = mapped_column(String(80))
    form: Mapped[str | None] = mapped_column(String(60))
    date: Mapped[str | None] = mapped_column(String(32))  # ISO 8601 or EDTF as found
    date_low: Mapped[dt.date | None] = mapped_column(Date)
    date_high: Mapped[dt.date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(2))
    admin1: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    participants_low: Mapped[int | None] = mapped_column(Integer)
    participants_high: Mapped[int | None] = mapped_column(Integer)
    participants_registered: Mapped[int | None] = mapped_column(Integer)
    participants_observed: Mapped[int | None] = mapped_column(Integer)
    participants_text: Mapped[str | None] = mapped_column(String(300))
    killed: Mapped[int | None] = mapped_column(Integer)
    injured: Mapped[int | None] = mapped_column(Integer)
    organiser: Mapped[str | None] = mapped_column(Text)
    actors: Mapped[list[str]] = mapped_column(JSON, default=list)
    topic: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="reported")
    independent_sources: Mapped[int] = mapped_column(Integer, default=1)  # one owner/domain/copy counts once
    mentions: Mapped[int] = mapped_column(Integer, default=1)
    source_id: Mapped[str | None] = mapped_column(ForeignKey("sources.id"), index=True)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DocumentAnalysis(Base):
    """That a document went through the analysis pipeline, which version, and how it ended.

    ``version`` hashes the annotators' code and resources, so a changed pipeline re-analyses
    stale documents; ``error`` keeps a one-line reason when one document could not be analysed.
    """

    __tablename__ = "document_analyses"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    analyzed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    items: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class DocumentVector(Base):
    """One embedding of a document's opening passage, computed once (by analyze, on the workers).

    Link's cross-language step searches these instead of embedding every document on every run.
    ``backend`` names the embedding model; a vector from another backend is computed again.
    Stored as float16 bytes (1 KB for 512 dimensions): ample for a candidate filter. Not in ledger
    exports (``exchange: False``): a cache of the texts, which a store that imports them recomputes.
    """

    __tablename__ = "document_vectors"
    __table_args__ = {"info": {"exchange": False}}

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    backend: Mapped[str] = mapped_column(String(20))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Cluster(Base):
    """Documents that carry the same text: near-copies (MinHash) or translations (embeddings).

    ``coordinated`` flags a cluster published by ``min_sources`` or more independent sources
    within the time window: a possible coordinated campaign, for a person to judge.
    """

    __tablename__ = "clusters"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # near_duplicate | cross_language
    size: Mapped[int] = mapped_column(Integer)
    sources: Mapped[int] = mapped_column(Integer)  # independent sources (one owner or domain counts once)
    first_published: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_published: Mapped[dt.datetime | None] = mapped_column(DateTime)
    coordinated: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ClusterMember(Base):
    __tablename__ = "cluster_members"

    cluster_id: Mapped[str] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    similarity: Mapped[float | None] = mapped_column(Float)  # to the cluster's earliest document


class FactCheck(Base):
    """An earlier fact-check: the claim it reviewed, its verdict and who published it."""

    __tablename__ = "fact_checks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(300), index=True)  # the id in the imported file
    claim: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    publisher: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    language: Mapped[str | None] = mapped_column(String(12))
    origin: Mapped[str | None] = mapped_column(Text)  # file it came from
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class EventMention(Base):
    """One report of a ledger event: a document's event item, or a row of imported event data.

    Each mention keeps the values its source gave (participants, casualties, date, place), so
    disagreements stay side by side with who said what, never averaged away.
    """

    __tablename__ = "event_mentions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    document_id: Mapped[str | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    annotation_id: Mapped[str | None] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    source_id: Mapped[str | None] = mapped_column(ForeignKey("sources.id"), index=True)
    type: Mapped[str | None] = mapped_column(String(60))
    subtype: Mapped[str | None] = mapped_column(String(80))
    date: Mapped[str | None] = mapped_column(String(32))
    location: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    participants_low: Mapped[int | None] = mapped_column(Integer)
    participants_high: Mapped[int | None] = mapped_column(Integer)
    killed: Mapped[int | None] = mapped_column(Integer)
    injured: Mapped[int | None] = mapped_column(Integer)
    quote: Mapped[str | None] = mapped_column(Text)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# --- web application: people, tokens, reviews, audit log -----------------------------------------

USER_ROLES = ("viewer", "contributor", "reviewer", "admin")  # each role can do what the ones before can


class User(Base):
    """A person who signs in to the web application; the role decides what they may change.

    Marked ``exchange: False``: password hashes never travel in a shared ledger export.
    """

    __tablename__ = "users"
    __table_args__ = {"info": {"exchange": False}}

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2; None: token-only account
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    """A bearer token for the REST API, stored as its SHA-256 only (shown once, at creation)."""

    __tablename__ = "api_tokens"
    __table_args__ = {"info": {"exchange": False}}

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ReviewState(Base):
    """The current review of one item (an event or a claim) with a version for optimistic locking.

    No foreign key: document events are rebuilt by ``infoscope link`` under the same id, and a
    review must outlive that rebuild.
    """

    __tablename__ = "review_states"

    item_type: Mapped[str] = mapped_column(String(20), primary_key=True)  # event | claim
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=0)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """One change made by a person: who, when, what, old and new value, and why. Append-only.

    Ids sort by time (``aud_<nanoseconds>_<random>``), so the primary key is the log's order.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_item", "item_type", "item_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))  # review | contribute | user | token
    item_type: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


# --- progress of long commands -------------------------------------------------------------

JOB_STATUSES = ("running", "finished", "failed")


class Job(Base):
    """Progress of one long command (ingest, analyze, import-events, link) with given arguments.

    Keyed by the command and a hash of its arguments, so running the same command again finds
    the record of a run that was killed. ``done`` counts committed units (documents stored,
    documents analysed, events imported, ledger rebuilds) and advances in the same transaction
    as the unit, so it is exact after a crash. Local bookkeeping: it never travels in an export.
    """

    __tablename__ = "jobs"
    __table_args__ = {"info": {"exchange": False}}

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    command: Mapped[str] = mapped_column(String(40))
    args_hash: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="running")
    done: Mapped[int] = mapped_column(Integer, default=0)
    runs: Mapped[int] = mapped_column(Integer, default=1)  # starts, resumed ones included
    interrupted: Mapped[int] = mapped_column(Integer, default=0)  # runs found unfinished by the next
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the last run's summary
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# --- tally checks --------------------------------------------------------------------------


class TallyCheck(Base):
    """A tally found in a document, set against the ledger when ``infoscope link`` last ran.

    One row per tally annotation (same id). Stored, not only computed on request, so a report, an
    export and the API all show the same comparison, and it stays tied to the ledger it was made
    against (``checked_at``) until the next link replaces it.
    """

    __tablename__ = "tally_checks"
    __table_args__ = (Index("ix_tally_checks_document_id", "document_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the tally annotation's id
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(
        String(20)
    )  # matches | ledger_lower | ledger_higher | no_period | ...
    detail: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # claim, period, side, ledger counts
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
