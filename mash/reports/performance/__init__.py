"""(issue 8)"""
