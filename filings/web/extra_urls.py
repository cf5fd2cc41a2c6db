"""Cabinet pages of the state duty, the powers of attorney and the sandbox gateway.

Included from filings/web/urls.py (namespace "web").
"""

from django.urls import path

from . import duty_views, power_views

urlpatterns = [
    # "Сенімхат" (R-FIL-10)
    path("cabinet/powers/", power_views.power_list, name="powers"),
    path("cabinet/powers/new/", power_views.power_new, name="power_new"),
    path("cabinet/powers/<int:pk>/", power_views.power_detail, name="power_detail"),
    path(
        "cabinet/powers/<int:pk>/head-order/",
        power_views.power_head_order,
        name="power_head_order",
    ),
    path("cabinet/powers/<int:pk>/sign/", power_views.power_sign, name="power_sign"),
    path("cabinet/powers/<int:pk>/revoke/", power_views.power_revoke, name="power_revoke"),
    path(
        "cabinet/powers/<int:pk>/download.<str:fmt>",
        power_views.power_download,
        name="power_download",
    ),
    # State duty (R-FIL-5, R-FIL-6, R-FIL-9)
    path("cabinet/filings/<int:pk>/duty/", duty_views.filing_duty, name="filing_duty"),
    path("cabinet/filings/<int:pk>/duty/pay/", duty_views.duty_pay, name="duty_pay"),
    path("cabinet/filings/<int:pk>/duty/receipt/", duty_views.duty_receipt, name="duty_receipt"),
    path("cabinet/filings/<int:pk>/duty/deferral/", duty_views.duty_deferral, name="duty_deferral"),
    path(
        "cabinet/filings/<int:pk>/duty/receipts/<int:attachment_id>/",
        duty_views.duty_receipt_file,
        name="duty_receipt_file",
    ),
    path("cabinet/duty/check/", duty_views.receipt_check, name="receipt_check"),
    # The sandbox payment gateway (filings.gateway; DEMO/DEBUG only)
    path(
        "sandbox-gateway/pay/<str:reference>/",
        duty_views.sandbox_pay,
        name="sandbox_gateway_pay",
    ),
]
