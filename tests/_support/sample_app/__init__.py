"""A small application that sends tagged email with boto3, written with no test in mind."""
