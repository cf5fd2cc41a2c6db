"""URLs of the state duty and the power of attorney (docs/api.md), included from
filings/api/urls.py."""

from django.urls import path

from . import duty_views, power_views

urlpatterns = [
    # State duty and deferral (R-FIL-5, R-FIL-6, R-FIL-9, R-REG-4)
    path("duty/quote/", duty_views.DutyQuoteView.as_view(), name="api-duty-quote"),
    path(
        "filings/<int:pk>/payments/",
        duty_views.FilingPaymentView.as_view(),
        name="api-filing-payments",
    ),
    path(
        "payments/callback/", duty_views.PaymentCallbackView.as_view(), name="api-payment-callback"
    ),
    path("payments/check/", duty_views.PaymentCheckView.as_view(), name="api-payment-check"),
    path(
        "filings/<int:pk>/receipts/",
        duty_views.FilingReceiptView.as_view(),
        name="api-filing-receipts",
    ),
    path(
        "filings/<int:pk>/deferral/",
        duty_views.FilingDeferralView.as_view(),
        name="api-filing-deferral",
    ),
    # Electronic power of attorney (R-FIL-10, R-FIL-11)
    path("powers/", power_views.PowerListCreateView.as_view(), name="api-powers"),
    path("powers/<int:pk>/", power_views.PowerDetailView.as_view(), name="api-power"),
    path(
        "powers/<int:pk>/head-order/",
        power_views.PowerHeadOrderView.as_view(),
        name="api-power-head-order",
    ),
    path(
        "powers/<int:pk>/signing-payload/",
        power_views.PowerSigningPayloadView.as_view(),
        name="api-power-signing-payload",
    ),
    path("powers/<int:pk>/sign/", power_views.PowerSignView.as_view(), name="api-power-sign"),
    path("powers/<int:pk>/revoke/", power_views.PowerRevokeView.as_view(), name="api-power-revoke"),
    path(
        "powers/<int:pk>/document/",
        power_views.PowerDocumentView.as_view(),
        name="api-power-document",
    ),
]
