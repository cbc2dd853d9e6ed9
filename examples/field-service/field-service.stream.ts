import { FieldServiceEvent, JobPaymentFailed, ServiceOrderCreated } from './field-service.events';

const STAGES = ['created', 'contracted', 'assigned', 'scheduled', 'completed'] as const;
type Stage = (typeof STAGES)[number];

interface ServiceOrder {
  id: string;
  projectId: string;
  customer: string;
  siteAddress: string;
  serviceType: ServiceOrderCreated['serviceType'];
  priority: ServiceOrderCreated['priority'];
  /** Technicians offered the job in turn; all but the last decline. */
  technicians: string[];
  /** How far the order has got when the stream is taken. */
  stage: Stage;
  amountEur: number;
  /** Set when the on-site card payment is declined after the job. */
  declineCode?: string;
}

const ORDERS: readonly ServiceOrder[] = [
  {
    id: 'SO-1001',
    projectId: 'PRJ-210',
    customer: 'Hartmann Bäckerei GmbH',
    siteAddress: 'Lindenstraße 12, 50674 Köln',
    serviceType: 'repair',
    priority: 'P1',
    technicians: ['TECH-04'],
    stage: 'completed',
    amountEur: 189.5,
    declineCode: 'insufficient_funds',
  },
  {
    id: 'SO-1002',
    projectId: 'PRJ-211',
    customer: 'Stadtwerke Bonn',
    siteAddress: 'Sandkaule 2, 53111 Bonn',
    serviceType: 'maintenance',
    priority: 'P3',
    technicians: ['TECH-07', 'TECH-02'],
    stage: 'completed',
    amountEur: 420,
  },
  {
    id: 'SO-1003',
    projectId: 'PRJ-210',
    customer: 'Café Rosenthal',
    siteAddress: 'Ehrenstraße 41, 50672 Köln',
    serviceType: 'installation',
    priority: 'P2',
    technicians: ['TECH-04'],
    stage: 'completed',
    amountEur: 1260,
    declineCode: 'card_expired',
  },
  {
    id: 'SO-1004',
    projectId: 'PRJ-214',
    customer: 'Dr. Weber Zahnarztpraxis',
    siteAddress: 'Königsallee 88, 40212 Düsseldorf',
    serviceType: 'repair',
    priority: 'P1',
    technicians: ['TECH-05'],
    stage: 'completed',
    amountEur: 245,
    declineCode: 'do_not_honor',
  },
  {
    id: 'SO-1005',
    projectId: 'PRJ-215',
    customer: 'Autohaus Kramer',
    siteAddress: 'Industriestraße 5, 51149 Köln',
    serviceType: 'maintenance',
    priority: 'P2',
    technicians: ['TECH-02'],
    stage: 'scheduled',
    amountEur: 380,
  },
  {
    id: 'SO-1006',
    projectId: 'PRJ-216',
    customer: 'Kita Sonnenschein',
    siteAddress: 'Am Rheinufer 3, 53225 Bonn',
    serviceType: 'installation',
    priority: 'P3',
    technicians: ['TECH-07'],
    stage: 'created',
    amountEur: 150,
  },
];

/**
 * A realistic slice of a field-service day: six service orders at different stages, their events
 * interleaved as they would arrive (each order's next step after every other order's current one).
 */
export function buildFieldServiceStream(): FieldServiceEvent[] {
  const lifecycles = ORDERS.map(lifecycle);
  const stream: FieldServiceEvent[] = [];
  const longest = Math.max(...lifecycles.map((l) => l.length));
  for (let step = 0; step < longest; step++) {
    for (const events of lifecycles) if (step < events.length) stream.push(events[step]);
  }
  return stream;
}

function lifecycle(order: ServiceOrder): FieldServiceEvent[] {
  const n = order.id.slice(3);
  const reached = (stage: Stage) => STAGES.indexOf(stage) <= STAGES.indexOf(order.stage);
  const event = (eventName: string, payload: Record<string, unknown>): FieldServiceEvent => ({
    eventName,
    key: order.id,
    correlationId: order.id,
    payload: { serviceOrderId: order.id, ...payload },
  });
  const created: Omit<ServiceOrderCreated, 'serviceOrderId'> = {
    projectId: order.projectId,
    customer: order.customer,
    siteAddress: order.siteAddress,
    serviceType: order.serviceType,
    priority: order.priority,
  };
  const events = [event('projects.service_order.created', created)];

  const contractId = `CT-${n}`;
  if (reached('contracted')) {
    events.push(
      event('contracts.document.signed', {
        contractId,
        documentType: 'work_authorization',
        signedBy: order.customer,
      }),
      event('contracts.contract.status_changed', {
        entityId: contractId,
        from: 'pending_signature',
        to: 'active',
      }),
    );
  }

  const technicianId = order.technicians[order.technicians.length - 1];
  if (reached('assigned')) {
    order.technicians.forEach((tech, i) => {
      const offerId = `OF-${n}-${i + 1}`;
      const accepted = tech === technicianId;
      events.push(
        event('assignments.offer.sent', { offerId, technicianId: tech }),
        accepted
          ? event('assignments.offer.accepted', { offerId, technicianId: tech })
          : event('assignments.offer.declined', {
              offerId,
              technicianId: tech,
              declineReason: 'outside_service_area',
            }),
      );
    });
    events.push(
      event('assignments.assignment.status_changed', {
        entityId: `AS-${n}`,
        technicianId,
        from: 'offered',
        to: 'confirmed',
      }),
    );
  }

  const visitId = `VS-${n}`;
  if (reached('scheduled')) {
    events.push(
      event('scheduling.visit.scheduled', {
        visitId,
        technicianId,
        window: { start: '2025-03-14T08:00:00+01:00', end: '2025-03-14T10:00:00+01:00' },
      }),
      event('scheduling.visit.status_changed', { entityId: visitId, from: 'tentative', to: 'confirmed' }),
    );
  }

  const jobId = `JOB-${n}`;
  if (reached('completed')) {
    events.push(
      event('execution.job.started', { jobId, visitId, technicianId }),
      event('execution.job.completed', { jobId, technicianId, laborMinutes: 95, amountEur: order.amountEur }),
      event('execution.job.status_changed', { entityId: jobId, from: 'in_progress', to: 'completed' }),
      event('projects.service_order.status_changed', { entityId: order.id, from: 'open', to: 'completed' }),
    );
    if (order.declineCode) {
      const failed: Omit<JobPaymentFailed, 'serviceOrderId'> = {
        jobId,
        amount: { value: order.amountEur, currency: 'EUR' },
        paymentMethod: 'card_on_site',
        declineCode: order.declineCode,
      };
      events.push(event('execution.job.payment_failed', failed));
    }
  }
  return events;
}
