"""What the health service reports: each service's status from what the application can answer.

A service is SERVING only when its use cases can answer: ``linker.v1.LinkingService`` is
NOT_SERVING when no linker is configured (every linking call would answer FAILED_PRECONDITION,
``LINKER_DISABLED``). The overall status (service ``""``) follows the configured services: it
is SERVING when every service the configuration turns on is SERVING, so a server deliberately
run without the linker is still healthy overall, while its LinkingService says it is not there.
"""

from __future__ import annotations

from dataclasses import dataclass

from idverify.app import Application
from idverify.screening.v1 import screening_service_pb2
from idverify.v1 import verification_service_pb2
from linker.v1 import linking_service_pb2

__all__ = ["LINKING_SERVICE", "OVERALL", "SCREENING_SERVICE", "ServiceHealth", "VERIFICATION_SERVICE", "service_health"]

VERIFICATION_SERVICE = verification_service_pb2.DESCRIPTOR.services_by_name["VerificationService"].full_name
LINKING_SERVICE = linking_service_pb2.DESCRIPTOR.services_by_name["LinkingService"].full_name
SCREENING_SERVICE = screening_service_pb2.DESCRIPTOR.services_by_name["ScreeningService"].full_name
#: The health service's name for the server as a whole.
OVERALL = ""


@dataclass(frozen=True)
class ServiceHealth:
    """One service's status and, when it cannot answer, why (for the start-up log)."""

    service: str
    serving: bool
    #: Whether the configuration asks for the service (the overall status follows these only).
    configured: bool
    #: Why it is not serving; empty when it is.
    reason: str = ""


def service_health(app: Application) -> list[ServiceHealth]:
    """Each service's status, then the overall one (service ``""``), for a started server."""
    services = [ServiceHealth(VERIFICATION_SERVICE, serving=True, configured=True),
                ServiceHealth(SCREENING_SERVICE, serving=True, configured=True)]
    if app.linking.enabled:
        services.append(ServiceHealth(LINKING_SERVICE, serving=True, configured=True))
    else:
        services.append(ServiceHealth(
            LINKING_SERVICE, serving=False, configured=app.config.linker.enabled,
            reason="the linker is not configured (set [linker] enabled = true and hash_key); "
                   "linking calls answer FAILED_PRECONDITION LINKER_DISABLED"))
    broken = [s.service for s in services if s.configured and not s.serving]
    services.append(ServiceHealth(OVERALL, serving=not broken, configured=True,
                                  reason=f"not serving: {', '.join(broken)}" if broken else ""))
    return services
