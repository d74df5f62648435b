#!/usr/bin/perl
# Aggregate reports written by a real DMARC implementation: Mail::DMARC (Debian's libmail-dmarc-perl), the Perl
# library behind dmarc_send_reports. Reads a JSON list of report specs on stdin; for each, builds the report with
# the library's own objects (Mail::DMARC::Report::Aggregate, ::Record, Mail::DMARC::Policy), writes its XML with
# as_xml, and the e-mail the library would send (gzip attachment named by the RFC 7489 §7.2.1.1 convention, human
# summary part) with its SMTP sender's assemble_message_object. Needs MAIL_DMARC_CONFIG_FILE (organization).
use strict;
use warnings;
use JSON::PP;
use Mail::DMARC::Policy;
use Mail::DMARC::Report;
use Mail::DMARC::Report::Aggregate;
use Mail::DMARC::Report::Aggregate::Record;

local $/;
my $specs = JSON::PP->new->utf8->decode(<STDIN>);
my $report = Mail::DMARC::Report->new;

for my $s (@$specs) {
    my $agg = Mail::DMARC::Report::Aggregate->new;
    my $m   = $agg->metadata;
    $m->org_name($s->{orgName});
    $m->email($s->{email});
    $m->report_id($s->{reportId});
    $m->begin($s->{begin});
    $m->end($s->{end});
    my %pol = (v => 'DMARC1', %{ $s->{policy} });
    $agg->policy_published(Mail::DMARC::Policy->new(%pol));
    for my $r (@{ $s->{records} }) {
        my $rec = Mail::DMARC::Report::Aggregate::Record->new;
        $rec->row({
            source_ip        => $r->{sourceIp},
            count            => $r->{count},
            policy_evaluated => { disposition => $r->{disposition}, dkim => $r->{dkim}, spf => $r->{spf}, reason => $r->{reasons} || [] },
        });
        my %ids = (header_from => $r->{headerFrom});
        $ids{envelope_from} = $r->{envelopeFrom} if defined $r->{envelopeFrom};
        $ids{envelope_to}   = $r->{envelopeTo}   if defined $r->{envelopeTo};
        $rec->identifiers(\%ids);
        $rec->auth_results({ dkim => $r->{dkimResults} || [], spf => $r->{spfResults} || [] });
        $agg->record($rec);
    }
    my $xml = $agg->as_xml;
    open my $x, '>:raw', $s->{xml} or die "$s->{xml}: $!";
    print $x $xml;
    close $x;
    if ($s->{eml}) {
        my $gz   = $report->compress(\$xml);
        my $mime = $report->sendit->smtp->assemble_message_object(\$agg, $s->{to} || 'dmarc@example.com', $gz);
        open my $e, '>:raw', $s->{eml} or die "$s->{eml}: $!";
        print $e $mime->as_string;
        close $e;
    }
}
