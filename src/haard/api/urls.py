"""The API assembly: one NinjaAPI, routers from each domain app."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView
from ninja import NinjaAPI

from haard.accounts.api import router as identity_router
from haard.api import problems
from haard.api.auth import TokenAuth, VerifiedSessionAuth
from haard.cases.api import router as cases_router
from haard.conferences.api import router as conferences_router
from haard.huisverbod.api import router as huisverbod_router
from haard.insight.api import router as insight_router
from haard.intake.api import router as reports_router
from haard.intake.imports.api import router as imports_router
from haard.meldcode.api import router as meldcode_router
from haard.registry.api import router as people_router
from haard.shelter.api import router as shelter_router
from haard.triage.api import router as triage_router

api = NinjaAPI(
    title="haard API",
    version="1",
    description=(
        "The API of haard for partner systems and the haard interface. Every operation "
        "applies the same need-to-know access rules and access logging as the pages. Errors "
        "are RFC 9457 problem details."
    ),
    auth=[TokenAuth(), VerifiedSessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)
problems.install(api)
api.add_router("/", identity_router)
api.add_router("/people", people_router)
api.add_router("/cases", cases_router)
api.add_router("/insight", insight_router)
api.add_router("/reports", reports_router)
api.add_router("/imports", imports_router)
api.add_router("/assessments", triage_router)
api.add_router("/restraining-orders", huisverbod_router)
api.add_router("/meldcode", meldcode_router)
api.add_router("/shelter", shelter_router)
api.add_router("/conferences", conferences_router)

urlpatterns = [
    path("v1/", api.urls),
    path("docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
]
