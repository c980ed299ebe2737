"""The community dashboard (facilitators, staff and the community's sponsors) and its CSVs."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cop_platform.params import get_int

from .. import insight
from ..models import Membership
from ..policy import get_dashboard_for


def _period(request):
    days = get_int(request.GET, "days", insight.DEFAULT_PERIOD, minimum=1, maximum=366)
    return insight.period_for(days)


def dashboard(request, slug):
    community, access, as_sponsor = get_dashboard_for(request.user, slug)
    period = _period(request)
    figures = insight.dashboard(community, period)
    pending_count = None
    if not as_sponsor and not community.is_open:
        pending_count = Membership.objects.filter(community=community, state=Membership.State.PENDING).count()
    return render(
        request,
        "communities/dashboard.html",
        {
            "community": community,
            "access": access,
            "as_sponsor": as_sponsor,
            "period": period,
            "period_choices": insight.PERIOD_CHOICES,
            "figures": figures,
            "charts": insight.charts_of(figures),
            "pending_count": pending_count,
            "tz_name": timezone.get_current_timezone_name(),
        },
    )


def dashboard_csv(request, slug, key):
    community, access, as_sponsor = get_dashboard_for(request.user, slug)
    period = _period(request)
    figures = insight.dashboard(community, period)
    if key == "summary":
        columns, rows = ["Figure", "Value"], insight.summary_rows(figures)
    else:
        chart = insight.charts_of(figures).get(key)
        if chart is None:
            raise Http404("No such chart.")
        columns, rows = chart.columns, chart.rows
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{community.slug}-{key}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return response
