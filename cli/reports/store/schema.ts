/**
 * The store's schema, as numbered migrations applied in order by `maildomain reports` itself (the version is in
 * `schema_migrations`). The same tables in SQLite and PostgreSQL; only the column types of keys differ.
 *
 * Layout (everything part 2's analysis needs is a column, never a document to parse again):
 *
 *   reports            one row per report of any kind: the dedup identity UNIQUE (kind, org_key, report_id), the
 *                      domain it is about, its period (Unix seconds), where it was first read and when
 *   aggregate_reports  the rest of an aggregate report's metadata and its policy_published
 *   aggregate_records  one row per <record>: source IP, count, evaluated disposition/DKIM/SPF, identifiers
 *   aggregate_dkim     the raw DKIM results of a record (domain, selector, result)
 *   aggregate_spf      the raw SPF results of a record (domain, scope, result)
 *   tls_policies       one row per policy of a TLS report, with its summary counts
 *   tls_failures       its failure details (result type, receiving MX, sending and receiving IPs, count)
 *   failure_reports    an ARF failure report's fields and the original message's headers
 *   aggregate_results  (version 2) the distinct results a record can carry: the receiver's evaluation (disposition,
 *                      aligned DKIM and SPF), whether an override reason says forwarded, whether header_from is
 *                      another name than the policy domain, and the record's first raw SPF and DKIM result; each
 *                      record points at one (aggregate_records.results). A store of 10,000 reports holds a few
 *                      dozen, so the summary groups records by (domain, source, results) instead of by nine text
 *                      columns and two joins: a third of the time (npm run bench:reports)
 *
 * Children are keyed by (report, ordinal) rather than generated ids, so a whole report is written with
 * multi-row inserts and no round trip per row.
 */

export type Dialect = "sqlite" | "postgres";

export interface Migration {
  version: number;
  name: string;
  statements: (d: Dialect) => string[];
}

const id = (d: Dialect) => (d === "sqlite" ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY");
const ref = (d: Dialect) => (d === "sqlite" ? "INTEGER" : "BIGINT");
/** SQLite keeps a table keyed by a composite primary key in that key's b-tree, instead of a rowid table plus an index. */
const keyed = (d: Dialect) => (d === "sqlite" ? " WITHOUT ROWID" : "");

/** What `forwarded` means in aggregate_results: a receiver's override reason of RFC 7489 §6.7 for forwarded mail. */
export const FORWARDING_REASONS = ["forwarded", "mailing_list", "trusted_forwarder"] as const;

/**
 * aggregate_results' columns, in the order rows.ts writes them. Absent values are '' (and has_spf/has_dkim 0)
 * rather than NULL, so that the UNIQUE constraint (for which NULLs are all distinct, in both databases) holds: the
 * model never has an empty scope or selector (the parser leaves them out), so '' loses nothing.
 */
export const RESULT_COLUMNS = ["disposition", "dkim", "spf", "forwarded", "other_from", "has_spf", "spf_domain", "spf_scope", "spf_result", "has_dkim", "dkim_domain", "dkim_selector", "dkim_result"] as const;

/** The same values for a stored record (aliases a, r, s, k as in the summary's query), for the migration's backfill. */
const STORED_RESULT_VALUES = [
  "a.disposition",
  "a.dkim",
  "a.spf",
  `CASE WHEN ${FORWARDING_REASONS.map((t) => `a.reasons LIKE '%"type":"${t}"%'`).join(" OR ")} THEN 1 ELSE 0 END`,
  "CASE WHEN LOWER(a.header_from) <> r.domain THEN 1 ELSE 0 END",
  "CASE WHEN s.domain IS NULL THEN 0 ELSE 1 END",
  "COALESCE(s.domain, '')",
  "COALESCE(s.scope, '')",
  "COALESCE(s.result, '')",
  "CASE WHEN k.domain IS NULL THEN 0 ELSE 1 END",
  "COALESCE(k.domain, '')",
  "COALESCE(k.selector, '')",
  "COALESCE(k.result, '')",
];
const STORED_RECORDS = `aggregate_records a JOIN reports r ON r.id = a.report
  LEFT JOIN aggregate_spf s ON s.report = a.report AND s.record = a.ordinal AND s.ordinal = 0
  LEFT JOIN aggregate_dkim k ON k.report = a.report AND k.record = a.ordinal AND k.ordinal = 0`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "reports, aggregate records with their DKIM and SPF results, TLS policies and failures, failure reports",
    statements: (d) => [
      `CREATE TABLE reports (
        id ${id(d)},
        kind TEXT NOT NULL CHECK (kind IN ('aggregate', 'failure', 'tlsrpt')),
        org_key TEXT NOT NULL,
        org_name TEXT NOT NULL,
        report_id TEXT NOT NULL,
        domain TEXT NOT NULL,
        begin_at BIGINT,
        end_at BIGINT,
        source TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        CONSTRAINT reports_identity UNIQUE (kind, org_key, report_id)
      )`,
      `CREATE INDEX reports_by_kind_domain ON reports (kind, domain, end_at)`,
      `CREATE TABLE aggregate_reports (
        report ${ref(d)} PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
        format TEXT NOT NULL,
        namespace TEXT,
        version TEXT,
        email TEXT,
        extra_contact_info TEXT,
        generator TEXT,
        errors TEXT NOT NULL,
        adkim TEXT, aspf TEXT, p TEXT, sp TEXT, np TEXT, pct INTEGER, fo TEXT, testing TEXT, discovery_method TEXT
      )`,
      `CREATE TABLE aggregate_records (
        report ${ref(d)} NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        source_ip TEXT NOT NULL,
        count BIGINT NOT NULL,
        disposition TEXT NOT NULL,
        dkim TEXT NOT NULL,
        spf TEXT NOT NULL,
        reasons TEXT NOT NULL,
        header_from TEXT NOT NULL,
        envelope_from TEXT,
        envelope_to TEXT,
        PRIMARY KEY (report, ordinal)
      )${keyed(d)}`,
      `CREATE TABLE aggregate_dkim (
        report ${ref(d)} NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        record INTEGER NOT NULL,
        ordinal INTEGER NOT NULL,
        domain TEXT NOT NULL,
        selector TEXT,
        result TEXT NOT NULL,
        human_result TEXT,
        PRIMARY KEY (report, record, ordinal)
      )${keyed(d)}`,
      `CREATE TABLE aggregate_spf (
        report ${ref(d)} NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        record INTEGER NOT NULL,
        ordinal INTEGER NOT NULL,
        domain TEXT NOT NULL,
        scope TEXT,
        result TEXT NOT NULL,
        human_result TEXT,
        PRIMARY KEY (report, record, ordinal)
      )${keyed(d)}`,
      `CREATE TABLE tls_policies (
        report ${ref(d)} NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        policy_type TEXT NOT NULL,
        policy_domain TEXT NOT NULL,
        policy_strings TEXT NOT NULL,
        mx_hosts TEXT NOT NULL,
        successful BIGINT NOT NULL,
        failed BIGINT NOT NULL,
        PRIMARY KEY (report, ordinal)
      )${keyed(d)}`,
      `CREATE INDEX tls_policies_by_domain ON tls_policies (policy_domain)`,
      `CREATE TABLE tls_failures (
        report ${ref(d)} NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        policy INTEGER NOT NULL,
        ordinal INTEGER NOT NULL,
        result_type TEXT NOT NULL,
        failed_sessions BIGINT NOT NULL,
        sending_mta_ip TEXT,
        receiving_mx_hostname TEXT,
        receiving_mx_helo TEXT,
        receiving_ip TEXT,
        additional_information TEXT,
        failure_reason_code TEXT,
        PRIMARY KEY (report, policy, ordinal)
      )${keyed(d)}`,
      `CREATE TABLE failure_reports (
        report ${ref(d)} PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
        feedback_type TEXT NOT NULL,
        user_agent TEXT,
        version TEXT,
        source_ip TEXT,
        arrival_at BIGINT,
        auth_failure TEXT,
        authentication_results TEXT,
        original_mail_from TEXT,
        original_rcpt_to TEXT NOT NULL,
        reporting_mta TEXT,
        delivery_result TEXT,
        identity_alignment TEXT,
        dkim_domain TEXT,
        dkim_selector TEXT,
        dkim_identity TEXT,
        spf_dns TEXT,
        original_headers TEXT,
        original_from TEXT,
        original_subject TEXT,
        original_message_id TEXT,
        original_date TEXT,
        message_id TEXT,
        message_date BIGINT,
        message_from TEXT,
        message_subject TEXT
      )`,
    ],
  },
  {
    version: 2,
    name: "aggregate_results: the distinct results of the records, each record pointing at its own (the summary groups by it)",
    statements: (d) => [
      `CREATE TABLE aggregate_results (
        id ${id(d)},
        disposition TEXT NOT NULL,
        dkim TEXT NOT NULL,
        spf TEXT NOT NULL,
        forwarded SMALLINT NOT NULL,
        other_from SMALLINT NOT NULL,
        has_spf SMALLINT NOT NULL,
        spf_domain TEXT NOT NULL,
        spf_scope TEXT NOT NULL,
        spf_result TEXT NOT NULL,
        has_dkim SMALLINT NOT NULL,
        dkim_domain TEXT NOT NULL,
        dkim_selector TEXT NOT NULL,
        dkim_result TEXT NOT NULL,
        CONSTRAINT aggregate_results_identity UNIQUE (${RESULT_COLUMNS.join(", ")})
      )`,
      `ALTER TABLE aggregate_records ADD COLUMN results ${ref(d)} REFERENCES aggregate_results (id)`,
      // The records already stored (a store of version 1): their results, then each record's pointer.
      `INSERT INTO aggregate_results (${RESULT_COLUMNS.join(", ")}) SELECT DISTINCT ${STORED_RESULT_VALUES.join(", ")} FROM ${STORED_RECORDS}`,
      `UPDATE aggregate_records SET results = x.id
       FROM (SELECT a.report AS report, a.ordinal AS ordinal, v.id AS id
             FROM ${STORED_RECORDS}
             JOIN aggregate_results v ON ${STORED_RESULT_VALUES.map((e, i) => `v.${RESULT_COLUMNS[i]} = ${e}`).join(" AND ")}) x
       WHERE aggregate_records.report = x.report AND aggregate_records.ordinal = x.ordinal`,
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;
