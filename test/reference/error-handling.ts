// The reference design's "Error Handling" examples: methods, kept as written, each in a class of its own (they
// share a method name). Not in the reference: the imports, the classes and the logger they use.
import { Injectable, Logger } from '@nestjs/common';
import { EventHandler } from '@/common/kafka';

/** "Automatic DLQ". */
@Injectable()
export class AutomaticDlqExample {
@EventHandler({ eventName: 'order.created' })
async handleOrderCreated(event: any, context: any) {
  // If this throws an error, the message will be sent to DLQ
  throw new Error('Processing failed');
}
}

/** "Manual Error Handling". */
@Injectable()
export class ManualErrorHandlingExample {
  private readonly logger = new Logger(ManualErrorHandlingExample.name);

@EventHandler({ eventName: 'order.created' })
async handleOrderCreated(event: any, context: any) {
  try {
    // Process event
  } catch (error) {
    this.logger.error('Failed to process event', error);

    // Don't re-throw if you don't want to send to DLQ
    // Re-throw if you want DLQ behavior
    throw error;
  }
}
}
