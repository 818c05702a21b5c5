"""Where delivered events end up, in memory: CloudWatch datapoints, S3 objects written by
Firehose, SNS messages and EventBridge events. A moto-backed mode (writing through boto3)
comes with the second simulator issue."""
