/** Payloads of the field-service events the demo sends; names follow `{domain}.{entity}.{action}`. */

export interface ServiceOrderCreated {
  serviceOrderId: string;
  projectId: string;
  customer: string;
  siteAddress: string;
  serviceType: 'installation' | 'repair' | 'maintenance';
  priority: 'P1' | 'P2' | 'P3';
}

/** assignments.offer.sent / accepted / declined and assignments.assignment.status_changed. */
export interface AssignmentEvent {
  serviceOrderId: string;
  technicianId: string;
  offerId?: string;
  declineReason?: string;
}

/** `<domain>.<entity>.status_changed` in every domain. */
export interface StatusChanged {
  serviceOrderId: string;
  entityId: string;
  from: string;
  to: string;
}

export interface JobPaymentFailed {
  serviceOrderId: string;
  jobId: string;
  amount: { value: number; currency: 'EUR' };
  paymentMethod: 'card_on_site' | 'sepa_direct_debit';
  declineCode: string;
}

/** One record of the stream: what send() gets. */
export interface FieldServiceEvent {
  eventName: string;
  /** The service order id: an order's events keep their order within a topic. */
  key: string;
  correlationId: string;
  payload: { serviceOrderId: string } & Record<string, unknown>;
}
